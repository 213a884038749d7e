import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { root, runNode, startGatewayProcess, type ServingGateway } from '../helpers/cli.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../helpers/mock-upstream/server.ts';

// `npm run build` and the compiled gateway, as production runs it: plain `node`, no TypeScript
// loader registered, yet TypeScript configs and in-house plugins load (compiled on the way in),
// and their `switchyard` imports bind to the compiled modules (a `.ts` file reached without a
// loader would fail with ERR_UNKNOWN_FILE_EXTENSION).
const key = 'sy-compiled-master-key';
// Inside the repository, so the compiled modules find node_modules as dist/ does.
const out = mkdtempSync(join(root, '.dist-test-'));
const main = join(out, 'core', 'main.js');
const run = (file: string, args: readonly string[]) => runNode(file, args, {}, 60_000);

/** Files the TypeScript compilation leaves next to a module (it must leave none). */
const leftovers = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.mjs') && f.startsWith('.'));

beforeAll(async () => {
  const build = await run(join(root, 'scripts', 'build.js'), ['--out', out]);
  expect(build, build.stderr + build.stdout).toMatchObject({ code: 0 });
}, 90_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the compiled gateway', () => {
  test('checks a TypeScript config with package-name and relative TypeScript plugins', async () => {
    const dir = mkdtempSync(join(out, 'config-'));
    const file = join(dir, 'gateway.config.ts');
    const tagPlugin = JSON.stringify(join(root, 'test', 'fixtures', 'tag-plugin.ts'));
    writeFileSync(
      file,
      `import { defineConfig } from 'switchyard';
const port: number = 4000; // a type annotation: this file must be compiled to load
export default defineConfig({
  server: { port },
  plugins: [
    ['switchyard/plugins/providers/openai', { apiKey: 'sk-x' }],
    [${tagPlugin}, { header: 'x-tenant' }],
    'switchyard/plugins/routing/models',
  ],
  models: [{ name: 'smart', deployments: [{ provider: 'openai', model: 'gpt-4o' }] }],
});
`,
    );
    const result = await run(main, ['check', '--config', file]);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(result.stdout).toContain(`${file}: ok (3 plugins, 1 model groups)`);
    expect(leftovers(dir)).toEqual([]);
    expect(leftovers(join(root, 'test', 'fixtures'))).toEqual([]);
  }, 30_000);

  test('a config that does not compile is a config problem, not a stack trace', async () => {
    const dir = mkdtempSync(join(out, 'config-'));
    const file = join(dir, 'gateway.config.ts');
    writeFileSync(file, 'export default { plugins: [ };\n');
    const result = await run(main, ['check', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}: 1 problem(s)`);
    expect(result.stderr).toContain('could not load');
    expect(leftovers(dir)).toEqual([]);
  }, 30_000);
});

describe('the compiled gateway serving the example config', () => {
  let upstream: MockServer;
  let gateway: ServingGateway;

  beforeAll(async () => {
    upstream = await startMockOpenAI();
    gateway = await startGatewayProcess(main, ['--config', 'examples/gateway.with-plugin.config.ts'], {
      OPENAI_API_KEY: mockOpenAIKey,
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      SWITCHYARD_MASTER_KEY: key,
    });
  }, 30_000);

  afterAll(async () => {
    gateway?.kill();
    await upstream.close();
  });

  test('answers through the in-house plugin, and leaves no compiled file behind', async () => {
    const res = await fetch(`http://127.0.0.1:${gateway.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-tenant-id': 'acme' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status, gateway.output()).toBe(200);
    expect(res.headers.get('x-tenant')).toBe('acme');
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe('echo: hi');
    expect(leftovers(join(root, 'examples'))).toEqual([]);
    expect(leftovers(join(root, 'examples', 'plugins'))).toEqual([]);
  });
});
