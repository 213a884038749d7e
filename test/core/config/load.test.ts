import { describe, expect, test } from 'vitest';
import { ConfigError, defineConfig, definePlugin, type GatewayConfig, type Plugin } from 'switchyard';
import { resolveConfig } from '../../../core/config/load.ts';
import { Gateway } from '../../../core/gateway.ts';
import { createRootLogger } from '../../../core/log.ts';
import openai from '../../../plugins/providers/openai/index.ts';

const fixtures = new URL('../../fixtures/', import.meta.url).pathname;
const silent = createRootLogger({ level: 'silent', sync: true });

async function problemsOf(config: unknown): Promise<{ path: string; message: string }[]> {
  try {
    await resolveConfig(config as GatewayConfig, fixtures);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

const noop = (name: string, extra: Partial<Plugin> = {}): Plugin => ({ name, setup() {}, ...extra });

describe('config validation reports every problem with its path', () => {
  test('schema problems, all at once', async () => {
    const problems = await problemsOf({
      server: { port: 'eighty', colour: 'red' },
      plugins: [],
      models: [{ name: 'a', deployments: [] }, { name: 'b', deployments: [{ provider: 'openai' }] }],
      extra: true,
    });
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(['extra', 'server.colour', 'server.port', 'models[0].deployments', 'models[1].deployments[0].model']);
    expect(problems.find((p) => p.path === 'server.colour')?.message).toBe('is not a known setting');
  });

  test('plugin problems: bad options, duplicates, kebab-case, dependencies, bad entries', async () => {
    const problems = await problemsOf({
      plugins: [
        openai({ apiKey: 1 as unknown as string }),
        noop('same'),
        noop('same'),
        noop('Not_Kebab'),
        noop('needs', { dependsOn: ['missing'] }),
        42,
        ['./does-not-exist.ts', {}],
        ['./tag-plugin.ts', { header: 7 }],
      ],
    });
    const text = problems.map((p) => `${p.path}: ${p.message}`).join('\n');
    expect(text).toMatch(/plugins\[0\]\.apiKey: .*string/);
    expect(text).toMatch(/plugins\[2\]: duplicate plugin name 'same' \(also plugins\[1\]\)/);
    expect(text).toMatch(/plugins\[3\]: plugin name 'Not_Kebab' must be kebab-case/);
    expect(text).toMatch(/depends on 'missing', which is not configured/);
    expect(text).toMatch(/plugins\[5\]: must be a plugin, a module specifier/);
    expect(text).toMatch(/plugins\[6\]: cannot load '\.\/does-not-exist\.ts'/);
    expect(text).toMatch(/plugins\[7\]\.header: /);
  });

  test('model groups: duplicates and unknown fallbacks', async () => {
    const problems = await problemsOf({
      plugins: [],
      models: [
        { name: 'a', deployments: [{ provider: 'openai', model: 'x' }], fallbacks: ['nope', 'a'] },
        { name: 'a', deployments: [{ provider: 'openai', model: 'y' }] },
      ],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'models[1].name', message: "duplicate model group 'a'" },
        { path: 'models[0].fallbacks[0]', message: "'nope' is not a model group" },
        { path: 'models[0].fallbacks[1]', message: 'a group cannot fall back to itself' },
      ]),
    );
  });

  test('a plugin loaded by relative specifier with options, and defaults applied', async () => {
    const resolved = await resolveConfig(defineConfig({ plugins: [['./tag-plugin.ts', { header: 'x-team' }]] }), fixtures);
    expect(resolved.plugins.map((p) => p.name)).toEqual(['tag']);
    expect(resolved.server.port).toBe(4000);
    expect(resolved.server.bodyLimit).toBe(20 * 1024 * 1024);
  });

  test('deployments naming an unregistered provider fail at set-up, listing the configured ones', async () => {
    const resolved = await resolveConfig(
      defineConfig({ plugins: [openai({ apiKey: 'k' })], models: [{ name: 'm', deployments: [{ provider: 'anthropic', model: 'claude' }] }] }),
    );
    await expect(Gateway.create(resolved, silent)).rejects.toMatchObject({
      problems: [{ path: 'models[0].deployments[0].provider', message: "provider 'anthropic' is not configured (configured: openai)" }],
    });
  });

  test('setup runs in order; close runs in reverse', async () => {
    const order: string[] = [];
    const mk = definePlugin((name: string) => ({
      name,
      setup(api) {
        order.push(`setup ${name}`);
        api.onClose(() => void order.push(`close ${name}`));
      },
    }));
    const gateway = await Gateway.create(await resolveConfig(defineConfig({ plugins: [mk('one'), mk('two')] })), silent);
    await gateway.close();
    expect(order).toEqual(['setup one', 'setup two', 'close two', 'close one']);
  });

  test('a failed setup closes the plugins set up before it (their connections and timers)', async () => {
    const order: string[] = [];
    const mk = definePlugin((name: string) => ({
      name,
      setup(api) {
        if (name === 'broken') throw new Error('no luck');
        api.onClose(() => void order.push(`close ${name}`));
      },
    }));
    const resolved = await resolveConfig(defineConfig({ plugins: [mk('one'), mk('broken')] }));
    await expect(Gateway.create(resolved, silent)).rejects.toMatchObject({ problems: [{ path: "plugin 'broken'" }] });
    expect(order).toEqual(['close one']);
  });
});

test('a plugin loaded by package name (the built-in ones are importable as switchyard/plugins/…)', async () => {
  const resolved = await resolveConfig(defineConfig({ plugins: ['switchyard/plugins/log/pino', ['switchyard/plugins/auth/master-key', { key: 'k' }]] }));
  expect(resolved.plugins.map((p) => p.name)).toEqual(['log-pino', 'auth-master-key']);
  await expect(resolveConfig(defineConfig({ plugins: ['@acme/not-installed'] }))).rejects.toMatchObject({
    problems: [{ path: 'plugins[0]', message: expect.stringContaining("cannot load '@acme/not-installed'") }],
  });
});
