import { describe, expect, test } from 'vitest';
import { GatewayError, PluginError, invalidRequest } from '../../core/errors.ts';
import { Order, createStageHooks, pluginHooks } from '../../core/hooks.ts';
import { bailStage, parallelStage, waterfallStage } from '../../core/stage-runner.ts';

const ctx = {} as never;

/** The pipeline's stage runners keep tapable's order and results, and the plugin wrapper's error tagging. */
describe('stage runners', () => {
  test('bail: taps run by stage; the first answer that is not undefined ends the stage, null included', async () => {
    const hooks = createStageHooks();
    const seen: string[] = [];
    pluginHooks(hooks, 'late').route.tapPromise({ stage: Order.late }, async () => {
      seen.push('late');
      return { deployments: ['late'] } as never;
    });
    pluginHooks(hooks, 'first').route.tapPromise({ stage: Order.first }, async () => {
      seen.push('first');
      return undefined;
    });
    // A tap that is not an async function and returns a plain value (plain JS plugins).
    pluginHooks(hooks, 'plain').route.tapPromise('plain', (() => {
      seen.push('plain');
      return undefined;
    }) as never);
    const route = bailStage(hooks.route);
    expect(await route(ctx)).toEqual({ deployments: ['late'] });
    expect(seen).toEqual(['first', 'plain', 'late']);

    const nulled = createStageHooks();
    pluginHooks(nulled, 'a').cache.lookup.tapPromise('a', async () => null as never);
    pluginHooks(nulled, 'b').cache.lookup.tapPromise('b', async () => {
      throw new Error('never reached');
    });
    expect(await bailStage(nulled.cache.lookup)(ctx)).toBeNull();

    const passing = createStageHooks();
    pluginHooks(passing, 'a').auth.tapPromise('a', async () => undefined);
    expect(await bailStage(passing.auth)(ctx)).toBeUndefined();
  });

  test('waterfall: an answer replaces the value, undefined leaves it', async () => {
    const hooks = createStageHooks();
    pluginHooks(hooks, 'add').transform.response.tapPromise('add', async (r) => ({ ...r, added: true }) as never);
    pluginHooks(hooks, 'keep').transform.response.tapPromise('keep', async () => undefined as never);
    pluginHooks(hooks, 'count').transform.response.tapPromise('count', async (r) => ({ ...r, n: ((r as { n?: number }).n ?? 0) + 1 }) as never);
    const run = waterfallStage(hooks.transform.response);
    expect(await run({ id: 'x' } as never, ctx)).toEqual({ id: 'x', added: true, n: 1 });
  });

  test('errors: tagged with the plugin and the stage, thrown or rejected; GatewayErrors pass untouched', async () => {
    const hooks = createStageHooks();
    pluginHooks(hooks, 'probe').auth.tapPromise({ name: 'custom-tap-name' }, ((c: { mode: string }) => {
      if (c.mode === 'sync') throw new Error('sync boom');
      if (c.mode === 'gateway') return Promise.reject(invalidRequest('nope'));
      return Promise.reject(new Error('async boom'));
    }) as never);
    const auth = bailStage(hooks.auth);
    for (const mode of ['sync', 'async']) {
      const err = await auth({ mode } as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PluginError);
      // The plugin's name, not the tap's.
      expect((err as PluginError).plugin).toBe('probe');
      expect((err as PluginError).stage).toBe('auth');
    }
    const gateway = await auth({ mode: 'gateway' } as never).catch((e: unknown) => e);
    expect(gateway).toBeInstanceOf(GatewayError);
  });

  test('parallel: every tap called in order; each failure reported on its own, the others still run', async () => {
    const hooks = createStageHooks();
    const calls: string[] = [];
    pluginHooks(hooks, 'throws').log.tapPromise('throws', (() => {
      calls.push('throws');
      throw new Error('sync');
    }) as never);
    pluginHooks(hooks, 'rejects').log.tapPromise('rejects', async () => {
      calls.push('rejects');
      throw new Error('async');
    });
    pluginHooks(hooks, 'fine').log.tapPromise('fine', async () => {
      calls.push('fine');
    });
    const reported: PluginError[] = [];
    const log = parallelStage(hooks.log, (err) => reported.push(err as PluginError));
    log(ctx, {} as never);
    expect(calls).toEqual(['throws', 'rejects', 'fine']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(reported.map((e) => [e.plugin, e.stage, (e.cause as Error).message])).toEqual([
      ['throws', 'log', 'sync'],
      ['rejects', 'log', 'async'],
    ]);
  });
});
