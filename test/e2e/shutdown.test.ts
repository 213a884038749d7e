import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, test } from 'vitest';
import { root, startGatewayProcess, type ServingGateway } from '../helpers/cli.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import { faults, type MockServer } from '../helpers/mock-upstream/server.ts';

/*
 * Shutdown of the real CLI process, signalled. The upstream streams one character every 100 ms,
 * so a stream outlives the grace period; a non-streamed call to a hanging upstream does too.
 */
const bin = join(root, 'bin', 'switchyard.js');
const key = 'sy-shutdown-key';
const config = join(root, 'test', 'fixtures', 'shutdown.config.ts');

interface Answer {
  readonly status: number | undefined;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** A socket error (ECONNRESET) instead of a clean end. */
  readonly error?: string;
}

/** A raw request (no agent, no retries), so a reset is seen as such; resolves once the answer ends. */
function call(port: number, body: unknown, onFirstByte?: () => void): Promise<Answer> {
  return new Promise((done) => {
    let text = '';
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/v1/chat/completions', agent: false, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
          onFirstByte?.();
        });
        res.on('end', () => done({ status: res.statusCode, headers: res.headers, body: text }));
        res.on('error', (err) => done({ status: res.statusCode, headers: res.headers, body: text, error: err.message }));
      },
    );
    req.on('error', (err) => done({ status: undefined, headers: {}, body: text, error: err.message }));
    req.end(JSON.stringify(body));
  });
}

const long = 'x'.repeat(400);
const streamed = { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: long }] };
const plain = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };

let upstream: MockServer;
let gw: ServingGateway | undefined;
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

beforeAll(async () => {
  upstream = await startMockOpenAI({ chunkSize: 1, chunkGapMs: 100 });
});
afterAll(() => upstream.close());
afterEach(() => gw?.kill());

async function start(graceMs: number): Promise<ChildProcess> {
  upstream.reset();
  gw = await startGatewayProcess(bin, ['--config', config], {
    OPENAI_API_KEY: mockOpenAIKey,
    OPENAI_BASE_URL: `${upstream.url}/v1`,
    SWITCHYARD_MASTER_KEY: key,
    TEST_GRACE_MS: String(graceMs),
    LOG_LEVEL: 'info',
  });
  const child = gw.child;
  exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return child;
}

/** A stream whose first chunk has arrived, and a non-streamed call whose upstream never answers. */
async function openCalls(port: number): Promise<{ stream: Promise<Answer>; hung: Promise<Answer> }> {
  upstream.override(faults.hang(), 1);
  const hung = call(port, plain);
  let first!: () => void;
  const started = new Promise<void>((r) => (first = r));
  const stream = call(port, streamed, () => first());
  await started;
  return { stream, hung };
}

/** Polls readiness until it answers 503 (the drain has begun); returns the status it reported. */
async function draining(port: number): Promise<string> {
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/health/readiness`).catch(() => undefined);
    if (res?.status === 503) return ((await res.json()) as { status: string }).status;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const errorEvent = /data: (\{"error":.*\})\n\n$/;

describe('SIGTERM with calls still open when the grace period ends', () => {
  test('the drain answers health checks (readiness 503), refuses new calls with 503 + Connection: close; open calls end with an answer, not a reset', { timeout: 20_000 }, async () => {
    const child = await start(2_500);
    const port = (gw as ServingGateway).port;
    const { stream, hung } = await openCalls(port);
    child.kill('SIGTERM');

    // During the drain: connections are accepted, readiness says no, model calls are refused.
    const ready = await draining(port);
    expect(ready).toBe('shutting_down');
    const refused = await call(port, plain);
    expect(refused.status).toBe(503);
    expect(refused.headers.connection).toBe('close');
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'server_shutting_down', type: 'service_unavailable_error' } });

    // The grace period ends: the stream gets a final error event and a clean end.
    const s = await stream;
    expect(s.error).toBeUndefined();
    expect(s.status).toBe(200);
    expect(s.body).toMatch(/^data: \{"id"/);
    const last = errorEvent.exec(s.body);
    expect(last, s.body.slice(-300)).not.toBeNull();
    expect(JSON.parse((last as RegExpExecArray)[1] as string)).toMatchObject({ error: { code: 'server_shutting_down' } });
    expect(s.body).not.toContain('[DONE]');

    // The non-streamed call in flight gets the 503 envelope.
    const h = await hung;
    expect(h.error).toBeUndefined();
    expect(h.status).toBe(503);
    expect(JSON.parse(h.body)).toMatchObject({ error: { code: 'server_shutting_down' } });

    expect(await exited, (gw as ServingGateway).output()).toEqual({ code: 0, signal: null });
  });
});

describe('a second SIGTERM during the drain', () => {
  test('stops now, logged, exit code 0, open calls answered', { timeout: 20_000 }, async () => {
    const child = await start(30_000);
    const port = (gw as ServingGateway).port;
    const { stream, hung } = await openCalls(port);
    child.kill('SIGTERM');
    await draining(port);
    const secondAt = Date.now();
    child.kill('SIGTERM');
    expect(await exited, (gw as ServingGateway).output()).toEqual({ code: 0, signal: null });
    // Well before the 30 s grace period.
    expect(Date.now() - secondAt).toBeLessThan(5_000);
    const output = (gw as ServingGateway).output();
    expect(output).toContain('second signal during shutdown: stopping now');
    expect(output).toContain('gateway stopped');

    const s = await stream;
    expect(s.error).toBeUndefined();
    expect(JSON.parse((errorEvent.exec(s.body) as RegExpExecArray)[1] as string)).toMatchObject({ error: { code: 'server_shutting_down' } });
    const h = await hung;
    expect(h.status).toBe(503);
    expect(JSON.parse(h.body)).toMatchObject({ error: { code: 'server_shutting_down' } });
  });
});
