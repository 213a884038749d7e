import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConfigError, definePlugin, defineConfig, Order, type Plugin } from 'switchyard';
import { Gateway } from '../../../core/gateway.ts';
import { createRootLogger } from '../../../core/log.ts';
import { resolveConfig } from '../../../core/config/load.ts';
import resilient from '../../../plugins/fallback/resilient/index.ts';
import { defaultPlugins } from '../../../plugins/presets/default.ts';
import { root, runNode } from '../../helpers/cli.ts';

const env = { OPENAI_API_KEY: 'sk-test', SWITCHYARD_MASTER_KEY: 'k' };

async function problemsOf(plugins: Parameters<typeof defineConfig>[0]['plugins']): Promise<string[]> {
  try {
    await resolveConfig(defineConfig({ plugins }));
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
}

describe('exclusive stages (Plugin.owns)', () => {
  test('fallback-resilient added to defaultPlugins() is a start-up error naming both call strategies', async () => {
    const problems = await problemsOf([...defaultPlugins(env), resilient({})]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^plugins\[9\]: plugins 'fallback-ordered' \(plugins\[5\]\) and 'fallback-resilient' both own the 'call' stage/);
  });

  test('the preset swaps its call strategy: defaultPlugins(env, { fallback })', async () => {
    const plugins = defaultPlugins(env, { fallback: resilient({}) });
    expect(plugins.map((p) => p.name)).toEqual(['provider-openai', 'keys', 'metrics', 'admin-ui', 'routing-models', 'fallback-resilient', 'log-pino', 'inbound-messages', 'inbound-responses']);
    expect(await problemsOf(plugins)).toEqual([]);
  });

  test('any in-house plugin can claim a stage the same way', async () => {
    const claim = (name: string) => definePlugin(() => ({ name, owns: ['route'], setup() {} }))();
    expect(await problemsOf([claim('route-a'), claim('route-b')])).toEqual([
      expect.stringMatching(/^plugins\[1\]: plugins 'route-a' \(plugins\[0\]\) and 'route-b' both own the 'route' stage/),
    ]);
  });
});

describe('a tap an owned stage would never reach', () => {
  /** An in-house call strategy that does not claim the stage, tapping at `stage`. */
  const inHouse = (stage: number): Plugin =>
    definePlugin(() => ({
      name: 'acme-call',
      setup({ hooks }) {
        hooks.call.tapPromise({ stage }, async () => undefined);
      },
    }))();

  async function setupProblems(plugins: Plugin[]): Promise<string[]> {
    const resolved = await resolveConfig(defineConfig({ plugins }));
    try {
      const gateway = await Gateway.create(resolved, createRootLogger({ level: 'silent', sync: true }));
      await gateway.close();
      return [];
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return err.problems.map((p) => `${p.path}: ${p.message}`);
    }
  }

  test('after the owner: a start-up problem naming both', async () => {
    expect(await setupProblems([...defaultPlugins(env), inHouse(Order.last)])).toEqual([
      "plugin 'acme-call': taps the 'call' stage after 'fallback-ordered', which owns it and answers every call: the tap would never run (tap at an earlier stage, or keep one of the two)",
    ]);
  });

  test('before the owner (it may pass to it): fine', async () => {
    expect(await setupProblems([...defaultPlugins(env), inHouse(Order.normal)])).toEqual([]);
  });
});

describe('switchyard check reports two call strategies', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-owns-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('exits 1 naming both plugins', async () => {
    const file = join(dir, 'two-call.config.ts');
    writeFileSync(
      file,
      `import { defaultPlugins } from ${JSON.stringify(join(root, 'plugins/presets/default.ts'))};
import resilient from ${JSON.stringify(join(root, 'plugins/fallback/resilient/index.ts'))};
export default { plugins: [...defaultPlugins(), resilient({})] };
`,
    );
    const result = await runNode(join(root, 'bin/switchyard.js'), ['check', '--config', file], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("plugins 'fallback-ordered' (plugins[5]) and 'fallback-resilient' both own the 'call' stage");
  });
});
