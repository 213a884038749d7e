import { describe, expect, test } from 'vitest';
import { GatewayError, PluginError, invalidRequest } from '../../core/errors.ts';
import { createStageHooks, pluginHooks } from '../../core/hooks.ts';

/** The tap wrapper: errors tagged with plugin and stage, GatewayErrors untouched, values passed on. */
describe('plugin taps', () => {
  test('a rejection, a synchronous throw and a plain return value', async () => {
    const hooks = createStageHooks();
    const taps = pluginHooks(hooks, 'probe');
    taps.route.tapPromise('probe', async (ctx) => {
      const mode = (ctx as unknown as { mode: string }).mode;
      if (mode === 'reject') throw new Error('boom');
      if (mode === 'gateway') throw invalidRequest('nope');
      if (mode === 'sync') return (null as unknown as () => never)();
      if (mode === 'plain') return { deployments: [] } as never;
      return undefined;
    });
    const run = (mode: string) => hooks.route.promise({ mode } as never);

    const rejected = await run('reject').catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(PluginError);
    expect((rejected as PluginError).plugin).toBe('probe');
    expect((rejected as PluginError).stage).toBe('route');

    const gateway = await run('gateway').catch((e: unknown) => e);
    expect(gateway).toBeInstanceOf(GatewayError);
    expect((gateway as GatewayError).status).toBe(400);

    const sync = await run('sync').catch((e: unknown) => e);
    expect(sync).toBeInstanceOf(PluginError);

    // A non-async tap returning a value (plain JS plugins) still works.
    const plainHooks = createStageHooks();
    pluginHooks(plainHooks, 'plain').route.tapPromise('plain', (() => ({ deployments: [1] })) as never);
    expect(await plainHooks.route.promise({} as never)).toEqual({ deployments: [1] });
  });
});
