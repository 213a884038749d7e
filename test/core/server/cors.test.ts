import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import OpenAI from 'openai';
import { ConfigError, defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../../plugins/auth/master-key/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { resolveConfig } from '../../../core/config/load.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';

const key = 'cors-master-key';
const app = 'https://app.example.com';
let upstream: MockServer;
let listed: RunningGateway;
let anyOrigin: RunningGateway;
let off: RunningGateway;

const plugins = () => [openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }), masterKey({ key }), modelRouting({})];

beforeAll(async () => {
  upstream = await startMockOpenAI();
  listed = await startTestGateway(
    defineConfig({
      server: { cors: { origins: [app], credentials: true, maxAgeSeconds: 120, exposeHeaders: ['x-tenant'] }, bodyLimit: 4096 },
      plugins: plugins(),
    }),
  );
  anyOrigin = await startTestGateway(defineConfig({ server: { cors: { origins: '*' } }, plugins: plugins() }));
  off = await startTestGateway(defineConfig({ plugins: plugins() }));
});
afterAll(async () => {
  await Promise.all([listed.close(100), anyOrigin.close(100), off.close(100)]);
  await upstream.close();
});

const preflight = (url: string, origin: string, headers = 'authorization, content-type, x-stainless-os'): Promise<Response> =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
  });

const chat = (url: string, origin: string, body: unknown, auth = key): Promise<Response> =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { origin, authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('server.cors', () => {
  test('preflight is answered without auth: methods, headers (auth, x-api-key, anthropic-version, SDK headers), max age', async () => {
    const res = await preflight(listed.url, app);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(app);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-max-age')).toBe('120');
    const allowed = res.headers.get('access-control-allow-headers')?.split(', ') ?? [];
    for (const h of ['authorization', 'x-api-key', 'content-type', 'anthropic-version', 'x-stainless-os']) expect(allowed).toContain(h);
    expect(res.headers.get('vary')).toContain('Origin');
  });

  test('an origin not on the list gets no CORS headers (the preflight falls through to the router OPTIONS answer)', async () => {
    const res = await preflight(listed.url, 'https://evil.example.com');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-headers')).toBeNull();
  });

  test('model calls on the fast path, streamed or not, carry allow-origin and expose our headers (openai SDK)', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${listed.url}/v1`, defaultHeaders: { origin: app }, maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(response.headers.get('access-control-allow-origin')).toBe(app);
    const exposed = response.headers.get('access-control-expose-headers')?.split(', ') ?? [];
    for (const h of ['x-request-id', 'x-switchyard-provider', 'x-switchyard-model', 'x-switchyard-attempts', 'x-ratelimit-remaining-requests', 'x-tenant']) {
      expect(exposed).toContain(h);
    }
    expect(response.headers.get('x-switchyard-provider')).toBe('openai');

    const streamed = await client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(streamed.response.headers.get('content-type')).toContain('text/event-stream');
    expect(streamed.response.headers.get('access-control-allow-origin')).toBe(app);
    for await (const chunk of streamed.data) expect(chunk.object).toBe('chat.completion.chunk');
  });

  test('error answers carry CORS too: 401, 404 model, 400 body, 413 body limit, unknown route', async () => {
    const answers = await Promise.all([
      chat(listed.url, app, { model: 'gpt-4o', messages: [] }, 'wrong-key'),
      chat(listed.url, app, { model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
      chat(listed.url, app, { model: 'gpt-4o', messages: [{ role: 'robot', content: 'x' }] }),
      chat(listed.url, app, { model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(8192) }] }),
      fetch(`${listed.url}/v1/nothing`, { headers: { origin: app } }),
      fetch(`${listed.url}/v1/models`, { headers: { origin: app } }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([401, 404, 400, 413, 404, 401]);
    for (const res of answers) {
      expect(res.headers.get('access-control-allow-origin')).toBe(app);
      expect(res.headers.get('access-control-expose-headers')).toContain('x-request-id');
    }
  });

  test("origins: '*' answers * (no credentials), on koa routes too", async () => {
    const pre = await preflight(anyOrigin.url, 'http://localhost:5173');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    const health = await fetch(`${anyOrigin.url}/health`, { headers: { origin: 'http://localhost:5173' } });
    expect(health.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('off unless configured: no CORS headers, not even on a preflight', async () => {
    const pre = await preflight(off.url, app);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toBeNull();
    const res = await chat(off.url, app, { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('the config schema rejects bad settings with their path', async () => {
    const bad = resolveConfig(
      defineConfig({ server: { cors: { origins: ['https://ok.example.com/path'], maxAgeSeconds: -1, nope: true } as never }, plugins: [] }),
    );
    await expect(bad).rejects.toBeInstanceOf(ConfigError);
    const problems = await bad.catch((e: ConfigError) => e.problems.map((p) => p.path));
    expect(problems).toEqual(expect.arrayContaining(['server.cors.origins[0]', 'server.cors.maxAgeSeconds', 'server.cors.nope']));
  });
});

describe('GET /', () => {
  test('points to the docs, without auth', async () => {
    const res = await fetch(`${off.url}/`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'switchyard', docs: '/docs', openapi: '/openapi.json' });
  });
});
