import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { root, runNode, startGatewayProcess, type CliRun, type ServingGateway } from '../helpers/cli.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../helpers/mock-upstream/server.ts';

// The `switchyard` bin as users run it: a child process, configured by the environment only.
const bin = join(root, 'bin', 'switchyard.js');
const key = 'sy-cli-master-key';

const runCli = (args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> => runNode(bin, args, env);

describe('switchyard check', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-check-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a broken config exits non-zero listing every problem with its path', async () => {
    const plugin = (name: string) => JSON.stringify(join(root, 'plugins', name, 'index.ts'));
    // A folder without package.json (so the config is CommonJS to Node), plugins by absolute path.
    const file = join(dir, 'broken.config.ts');
    writeFileSync(
      file,
      `export default {
  servre: { port: 4000 },
  server: { port: 'eighty' },
  plugins: [
    [${plugin('providers/openai')}, { apiKey: 'sk-x' }],
    [${plugin('auth/master-key')}, { key: 'one' }],
    [${plugin('auth/master-key')}, { key: 'two' }],
    [${plugin('routing/models')}, {}],
  ],
  models: [
    { name: 'smart', deployments: [{ provider: 'openai', model: 'gpt-4o' }, { provider: 'anthropic', model: 'claude-3-5-sonnet' }] },
  ],
};
`,
    );
    const result = await runCli(['check', '--config', file]);
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe(`${file}: 4 problem(s)`);
    expect(lines).toEqual(
      expect.arrayContaining([
        '  servre: is not a known setting',
        '  server.port: must be integer',
        "  plugins[2]: duplicate plugin name 'auth-master-key' (also plugins[1])",
        "  models[0].deployments[1].provider: provider 'anthropic' is not configured (configured: openai)",
      ]),
    );
    expect(result.stdout).toBe('');
  });

  test('a missing config file is one problem, not a stack trace', async () => {
    const result = await runCli(['check', '--config', join(dir, 'nope.ts')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('config file not found');
  });

  test('the example config with an in-house plugin passes', async () => {
    const result = await runCli(['check', '--config', 'examples/gateway.with-plugin.config.ts'], { OPENAI_API_KEY: 'sk-x', SWITCHYARD_MASTER_KEY: key });
    expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/examples\/gateway\.with-plugin\.config\.ts: ok \(\d+ plugins, 0 model groups\)/);
  });
});

describe('switchyard serving, and its graceful shutdown', () => {
  let upstream: MockServer;
  let gateway: ServingGateway;
  let child: ChildProcess;
  let port: number;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  beforeAll(async () => {
    // One character per chunk, 40 ms apart: a stream that lasts about two seconds.
    upstream = await startMockOpenAI({ chunkSize: 1, chunkGapMs: 40 });
    // cwd is the repository: the CLI loads its gateway.config.ts (shutdownGraceMs 10 s).
    gateway = await startGatewayProcess(bin, [], {
      OPENAI_API_KEY: mockOpenAIKey,
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      SWITCHYARD_MASTER_KEY: key,
    });
    ({ child, port } = gateway);
    exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  }, 25_000);

  afterAll(async () => {
    gateway?.kill();
    await upstream.close();
  });

  test('serves a request with the master key', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-model')).toBe('gpt-4o');
  });

  test('SIGTERM: readiness turns 503 (connections still accepted), the open stream still ends with [DONE], exit 0', async () => {
    const content = 'a stream that outlives the signal by a second or two';
    let body = '';
    let firstChunk!: () => void;
    const started = new Promise<void>((r) => (firstChunk = r));
    const finished = new Promise<{ status: number | undefined }>((done, fail) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/chat/completions',
          agent: false,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        },
        (res) => {
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            body += c;
            firstChunk();
          });
          res.on('end', () => done({ status: res.statusCode }));
          res.on('error', fail);
        },
      );
      req.on('error', fail);
      req.end(JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content }] }));
    });
    await started;
    const signalledAt = Date.now();
    child.kill('SIGTERM');

    // The load balancer is told at once (the listener stays open for its health checks); the
    // stream in flight keeps going.
    const unreadyAt = await waitForUnready(port, 3_000);
    expect(unreadyAt).toBeGreaterThanOrEqual(signalledAt);
    expect(body.endsWith('data: [DONE]\n\n')).toBe(false);

    const { status } = await finished;
    expect(status).toBe(200);
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    const text = body
      .split('\n\n')
      .filter((frame) => frame.startsWith('data: {'))
      .map((frame) => (JSON.parse(frame.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe(`echo: ${content}`);

    const { code, signal } = await exited;
    expect({ code, signal }, gateway.output()).toEqual({ code: 0, signal: null });
    // Well inside the 10 s grace period: the gateway stopped once the stream was done.
    expect(Date.now() - signalledAt).toBeLessThan(8_000);
  }, 20_000);
});

/** Polls readiness until it answers 503; returns when. */
async function waitForUnready(port: number, withinMs: number): Promise<number> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const status = await fetch(`http://127.0.0.1:${port}/health/readiness`).then((r) => r.status, () => 0);
    if (status === 503) return Date.now();
    if (Date.now() > deadline) throw new Error(`readiness still not 503 ${withinMs} ms after SIGTERM`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
