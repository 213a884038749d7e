import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { root, runNode, type ServingGateway } from '../helpers/cli.ts';
import { sendJson, startMockServer, type MockServer, type RecordedRequest } from '../helpers/mock-upstream/server.ts';
import {
  installedProject,
  linkedProject,
  projectKinds,
  setProjectKind,
  startInProject,
  stopGateway,
} from '../helpers/user-project.ts';

// Issue #11, defect 1: a config in the user's own folder (no package.json, a CommonJS one, or an
// ES module one) with `switchyard` linked or installed from `npm pack`, started by the real CLI
// from source and compiled. Before the fix, a folder that is CommonJS to Node loaded a second copy
// of the core for the config: every upstream error failed `instanceof GatewayError`, came back as
// 500 "internal error in plugin 'provider-openai' (call)", and no fallback ran.

const upstreamKey = 'sk-user-project-upstream-key';

/** OpenAI's wire, with the fault named by the requested model. */
function answer(req: RecordedRequest, res: ServerResponse): void {
  const body = req.json as { model?: string; stream?: boolean } | undefined;
  if (req.headers.authorization !== `Bearer ${upstreamKey}`) return sendJson(res, 401, { error: { message: 'bad key', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
  switch (body?.model) {
    case 'fault-500':
      return sendJson(res, 500, { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } });
    case 'fault-429':
      return sendJson(res, 429, { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, { 'retry-after': '0' });
    case 'fault-503':
      return sendJson(res, 503, { error: { message: 'overloaded', type: 'server_error', param: null, code: null } });
    case 'fault-reset':
      res.socket?.destroy();
      return;
    case 'fault-hang':
      return; // never answers
    case 'fault-400':
      return sendJson(res, 400, { error: { message: "Invalid value for 'temperature'", type: 'invalid_request_error', param: 'temperature', code: 'invalid_value' } });
  }
  const model = body?.model ?? 'ok';
  if (body?.stream === true) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.end(chunk({ role: 'assistant', content: 'streamed' }, null) + chunk({}, 'stop') + 'data: [DONE]\n\n');
    return;
  }
  sendJson(res, 200, {
    id: 'c1',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: `answered by ${model}` }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 },
  });
}

/** The user's config: the repository's gateway.config.ts, extended. */
const config = `import { defineConfig } from 'switchyard';
import memoryCache from 'switchyard/plugins/cache/memory';
import base from './node_modules/switchyard/gateway.config.ts';

const group = (name: string, first: string, timeout?: number) => ({
  name,
  deployments: [{ provider: 'openai', model: first }, { provider: 'openai', model: 'ok' }],
  ...(timeout === undefined ? {} : { timeout }),
});

export default defineConfig({
  ...base,
  plugins: [...base.plugins, memoryCache({ ttlSeconds: 60 }), ['./plugins/guard.ts', { header: 'x-guard' }]],
  models: [
    ...(base.models ?? []),
    group('after-500', 'fault-500'),
    group('after-429', 'fault-429'),
    group('after-503', 'fault-503'),
    group('after-reset', 'fault-reset'),
    group('after-timeout', 'fault-hang', 500),
    { name: 'refused', deployments: [{ provider: 'openai', model: 'fault-400' }] },
  ],
});
`;

/** An in-house plugin throwing the core's own error class: it must reach the client as it is. */
const guardPlugin = `import { definePlugin, GatewayError } from 'switchyard';

export default definePlugin((options: { header: string }) => ({
  name: 'guard',
  setup({ hooks }) {
    hooks.transform.request.tapPromise('guard', async (request, ctx) => {
      if (ctx.headers[options.header] === 'deny') {
        throw new GatewayError(403, 'permission_error', 'the guard plugin refused this request', { code: 'guard_refused' });
      }
      return request;
    });
  },
}));
`;

function writeProject(dir: string): void {
  writeFileSync(join(dir, 'gateway.config.ts'), config);
  mkdirSync(join(dir, 'plugins'), { recursive: true });
  writeFileSync(join(dir, 'plugins', 'guard.ts'), guardPlugin);
}

let upstream: MockServer;
let compiledOut: string;

beforeAll(async () => {
  upstream = await startMockServer(answer);
  // The compiled gateway for the linked project: built inside the checkout (so it finds node_modules).
  compiledOut = mkdtempSync(join(root, '.dist-test-user-'));
  const build = await runNode(join(root, 'scripts', 'build.js'), ['--out', compiledOut], {}, 90_000);
  expect(build, build.stderr + build.stdout).toMatchObject({ code: 0 });
}, 120_000);

afterAll(async () => {
  await upstream?.close();
  rmSync(compiledOut, { recursive: true, force: true });
});

const chat = (port: number, model: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }], ...extra }),
  });

/** Every check of the issue against one running gateway. */
async function checkGateway(gateway: ServingGateway): Promise<void> {
  const { port } = gateway;
  for (const group of ['after-500', 'after-429', 'after-503', 'after-reset', 'after-timeout']) {
    const res = await chat(port, group);
    const text = await res.text();
    expect({ group, status: res.status, text }).toMatchObject({ group, status: 200 });
    expect(JSON.parse(text).choices[0].message.content).toBe('answered by ok');
    expect(res.headers.get('x-switchyard-attempts')).toBe('2');
  }

  // A 503 before a stream's first byte falls back to the next deployment's stream.
  const streamed = await chat(port, 'after-503', { stream: true }, { 'cache-control': 'no-cache' });
  expect(streamed.status).toBe(200);
  const events = await streamed.text();
  expect(events).toContain('"content":"streamed"');
  expect(events.trimEnd().endsWith('data: [DONE]')).toBe(true);

  // A 400 is the provider's answer, passed on with its status, and never cached.
  const before = upstream.requests.length;
  for (let i = 0; i < 2; i++) {
    const refused = await chat(port, 'refused', { temperature: 0 });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: { param: string; type: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'temperature' });
    expect(refused.headers.get('x-switchyard-cache')).not.toBe('hit');
  }
  expect(upstream.requests.length - before).toBe(2);

  // The in-house plugin's GatewayError reaches the client with its own status and code.
  const guarded = await chat(port, 'after-500', {}, { 'x-guard': 'deny' });
  expect(guarded.status).toBe(403);
  expect(await guarded.json()).toEqual({
    error: { message: 'the guard plugin refused this request', type: 'permission_error', param: null, code: 'guard_refused' },
  });

  expect(gateway.output()).not.toContain('internal error in plugin');
  expect(gateway.output()).not.toContain(upstreamKey);
}

const env = (): Record<string, string> => ({ OPENAI_API_KEY: upstreamKey, OPENAI_BASE_URL: `${upstream.url}/v1`, LOG_LEVEL: 'info' });

/** Runs the checks for each kind of project folder, one gateway process at a time. */
async function checkEveryKind(dir: string, command: readonly string[]): Promise<void> {
  writeProject(dir);
  for (const kind of projectKinds) {
    setProjectKind(dir, kind);
    const gateway = await startInProject(dir, command, env());
    try {
      await checkGateway(gateway);
    } catch (err) {
      throw new Error(`${kind}, ${command.join(' ')}: ${(err as Error).message}\n--- gateway output ---\n${gateway.output()}`);
    } finally {
      await stopGateway(gateway);
    }
  }
  // Bundling the config leaves no temporary file behind.
  expect(readdirSync(dir).filter((f) => f.endsWith('.mjs'))).toEqual([]);
}

describe('a config in the user’s own project, switchyard linked to this checkout', () => {
  let dir: string;
  beforeAll(() => {
    dir = linkedProject();
  });
  // An installed project holds a whole node_modules: removing it can take a while on a busy machine.
  afterAll(() => rm(dir, { recursive: true, force: true }), 120_000);

  test('from source (npx switchyard): fallbacks, errors and plugins share the gateway’s core', async () => {
    await checkEveryKind(dir, [join(dir, 'node_modules', '.bin', 'switchyard'), '--config', 'gateway.config.ts']);
  }, 120_000);

  test('compiled (node dist/core/main.js): the same', async () => {
    await checkEveryKind(dir, [process.execPath, join(compiledOut, 'core', 'main.js'), '--config', 'gateway.config.ts']);
  }, 120_000);
});

describe('a config in the user’s own project, switchyard installed from npm pack', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await installedProject();
  }, 180_000);
  // An installed project holds a whole node_modules: removing it can take a while on a busy machine.
  afterAll(() => rm(dir, { recursive: true, force: true }), 120_000);

  test('from source (npx switchyard)', async () => {
    await checkEveryKind(dir, [join(dir, 'node_modules', '.bin', 'switchyard'), '--config', 'gateway.config.ts']);
  }, 120_000);

  test('compiled, from the package’s dist/', async () => {
    await checkEveryKind(dir, [process.execPath, join(dir, 'node_modules', 'switchyard', 'dist', 'core', 'main.js'), '--config', 'gateway.config.ts']);
  }, 120_000);
});

describe('a plugin package that brings its own copy of switchyard', () => {
  test('is a start-up error naming both copies, not a silently broken gateway', async () => {
    const dir = linkedProject();
    try {
      // A second copy of the core, as npm would nest it under a plugin package that lists
      // switchyard as a dependency instead of a peer dependency.
      const copy = join(dir, 'node_modules', 'acme-plugin', 'node_modules', 'switchyard');
      mkdirSync(join(copy, 'core'), { recursive: true });
      writeFileSync(join(copy, 'package.json'), JSON.stringify({ name: 'switchyard', type: 'module', exports: { '.': './core/index.js' } }));
      const single = join(root, 'core', 'single-copy.ts');
      writeFileSync(join(copy, 'core', 'index.js'), `export * from ${JSON.stringify(`${single}?copy`)};\n`);
      const pkg = join(dir, 'node_modules', 'acme-plugin');
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'acme-plugin', type: 'module', exports: './index.js' }));
      writeFileSync(join(pkg, 'index.js'), "import 'switchyard';\nexport default { name: 'acme', setup() {} };\n");
      writeFileSync(
        join(dir, 'gateway.config.ts'),
        "import { defineConfig } from 'switchyard';\nexport default defineConfig({ plugins: ['acme-plugin'] });\n",
      );
      const result = await runNode(join(root, 'bin', 'switchyard.js'), ['check', '--config', join(dir, 'gateway.config.ts')]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('a second copy of switchyard was loaded');
      expect(result.stderr).toContain('peer dependency');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

