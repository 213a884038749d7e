import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, definePlugin, type RunningGateway } from 'switchyard';
import modelRouting from '../../../plugins/routing/models/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { startMockOpenAI, mockOpenAIKey } from '../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';

let upstream: MockServer;
let gw: RunningGateway;
let backendStatus: 'ok' | 'degraded' | 'down' = 'ok';

const backend = definePlugin(() => ({
  name: 'fake-backend',
  setup(api) {
    api.readiness('fake-backend', () => ({ status: backendStatus }));
  },
}));

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startTestGateway(
    defineConfig({
      server: { bodyLimit: 64 * 1024 },
      plugins: [openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }), modelRouting({}), backend()],
      models: [{ name: 'smart', deployments: [{ provider: 'openai', model: 'gpt-4o' }] }],
    }),
  );
});
afterAll(async () => {
  await gw.close(100);
  await upstream.close();
});

describe('HTTP surface', () => {
  test('unknown route → 404 envelope, wrong method → 405, both with x-request-id', async () => {
    const missing = await fetch(`${gw.url}/v1/nothing`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    expect(missing.headers.get('x-request-id')).toBeTruthy();
    const wrong = await fetch(`${gw.url}/v1/chat/completions`);
    expect(wrong.status).toBe(405);
  });

  test('JSON answers and errors of model calls carry content-length, not chunked encoding', async () => {
    const ok = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'héllo ✓' }] }),
    });
    const okBytes = Buffer.from(await ok.arrayBuffer());
    expect(ok.status).toBe(200);
    expect(ok.headers.get('transfer-encoding')).toBeNull();
    expect(ok.headers.get('content-length')).toBe(String(okBytes.length));
    expect(JSON.parse(okBytes.toString('utf8')).choices[0].message.content).toBe('echo: héllo ✓');

    const bad = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'no-such-model-é', messages: [{ role: 'user', content: 'x' }] }),
    });
    const badBytes = Buffer.from(await bad.arrayBuffer());
    expect(bad.status).toBe(404);
    expect(bad.headers.get('transfer-encoding')).toBeNull();
    expect(bad.headers.get('content-length')).toBe(String(badBytes.length));
    expect(JSON.parse(badBytes.toString('utf8')).error.message).toContain('no-such-model-é');
  });

  test('the client request id is echoed', async () => {
    const res = await fetch(`${gw.url}/v1/models`, { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
  });

  test('configured body limit → 413 with the envelope', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
  });

  test('readiness follows plugin checks', async () => {
    let res = await fetch(`${gw.url}/health/readiness`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', providers: ['openai'], checks: { 'fake-backend': { status: 'ok' } } });
    backendStatus = 'degraded';
    res = await fetch(`${gw.url}/health/readiness`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('degraded');
    backendStatus = 'down';
    res = await fetch(`${gw.url}/health/readiness`);
    expect(res.status).toBe(503);
    backendStatus = 'ok';
  });

  test('openapi.json describes the routes and the served models; /docs is an HTML page', async () => {
    const spec = (await (await fetch(`${gw.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown>; info: { description: string } };
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/chat/completions', '/v1/embeddings', '/v1/models']));
    expect(spec.info.description).toContain('smart');
    const docs = await fetch(`${gw.url}/docs`);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(await docs.text()).toContain('swagger-ui');
    expect((await fetch(`${gw.url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
  });

  test('readiness reports shutting down once close starts', async () => {
    const other = await startTestGateway(defineConfig({ plugins: [modelRouting({})] }));
    const url = other.url;
    const closing = other.close(300);
    const res = await fetch(`${url}/health/readiness`).catch(() => undefined);
    // Either the listener already stopped taking connections, or it answered 503.
    if (res !== undefined) expect(res.status).toBe(503);
    await closing;
  });
});

describe('slow clients', () => {
  test('a client that never finishes its headers is cut off after headersTimeoutMs', async () => {
    const { connect } = await import('node:net');
    const slow = await startTestGateway(defineConfig({ server: { headersTimeoutMs: 300, requestTimeoutMs: 600 }, plugins: [modelRouting({})] }));
    try {
      const socket = connect(slow.port, '127.0.0.1');
      socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n');
      const started = Date.now();
      let reply = '';
      socket.on('data', (d: Buffer) => (reply += d.toString()));
      await new Promise((resolve) => socket.on('close', resolve));
      expect(Date.now() - started).toBeLessThan(3000);
      expect(reply).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await slow.close(100);
    }
  });
});
