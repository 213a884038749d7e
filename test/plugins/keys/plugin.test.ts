import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import orderedFallback from '../../../plugins/fallback/ordered/index.ts';
import keys from '../../../plugins/keys/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';

const master = 'sk-master-test-key-0123456789';
let upstream: MockServer;
let gw: RunningGateway;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sy-keys-'));
  upstream = await startMockOpenAI();
  gw = await startTestGateway(
    defineConfig({
      plugins: [openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }), keys({ masterKey: master, dataDir }), modelRouting({}), orderedFallback({})],
      models: [
        { name: 'gpt-4o', deployments: [{ provider: 'openai', model: 'gpt-4o' }] },
        { name: 'gpt-4o-mini', deployments: [{ provider: 'openai', model: 'gpt-4o-mini' }] },
      ],
    }),
  );
});
afterAll(async () => {
  await gw.close(1000);
  await upstream.close();
  rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(() => upstream.reset());

async function admin(path: string, body?: unknown, method = 'POST'): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
const generate = async (fields: Record<string, unknown>): Promise<string> => {
  const r = await admin('/key/generate', fields);
  expect(r.status).toBe(200);
  return r.json.key as string;
};
const clientFor = (key: string) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
const ask = (key: string, model = 'gpt-4o') => clientFor(key).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

describe('keys plugin: virtual keys through the real gateway', () => {
  test('a generated key calls a model; unknown keys are 401 invalid_api_key; the master key still passes', async () => {
    const key = await generate({ key_alias: 'alice' });
    expect(key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect((await ask(key)).choices[0]?.message.content).toBe('echo: hi');
    await expect(ask('sk-not-a-key')).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect((await ask(master)).choices[0]?.message.content).toBe('echo: hi');
  });

  test('allowed models: others are 403 model_not_allowed (naming none); /v1/models lists only the allowed', async () => {
    const key = await generate({ models: ['gpt-4o-mini'] });
    await expect(ask(key, 'gpt-4o')).rejects.toMatchObject({ status: 403, code: 'model_not_allowed', param: 'model' });
    expect(upstream.requests).toHaveLength(0);
    const ids = (await clientFor(key).models.list()).data.map((m) => m.id);
    expect(ids).toContain('gpt-4o-mini');
    expect(ids).not.toContain('gpt-4o');
  });

  test('rpm: the third request in a minute is 429 with Retry-After and x-ratelimit headers; the upstream saw two', async () => {
    const key = await generate({ rpm_limit: 2 });
    const first = await clientFor(key).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'a' }] }).withResponse();
    expect(first.response.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    await ask(key);
    const third = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'c' }] }),
    });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(third.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const body = (await third.json()) as { error: { message: string; code: string } };
    expect(body.error).toMatchObject({ code: 'rate_limit_exceeded', message: 'key rpm limit 2 reached' });
    expect(JSON.stringify(body)).not.toContain(key.slice(3, 11));
    expect(upstream.requests).toHaveLength(2);
  });

  test('blocked keys are 403 key_blocked at once; unblocked they work again; expired keys are 401 key_expired', async () => {
    const key = await generate({});
    await ask(key);
    expect((await admin('/key/block', { key })).status).toBe(200);
    await expect(ask(key)).rejects.toMatchObject({ status: 403, code: 'key_blocked' });
    expect((await admin('/key/unblock', { key })).status).toBe(200);
    await ask(key);
    const expired = await generate({ duration: '1s' });
    await new Promise((r) => setTimeout(r, 1100));
    await expect(ask(expired)).rejects.toMatchObject({ status: 401, code: 'key_expired' });
  });

  test('deleted and regenerated keys stop working at once', async () => {
    const key = await generate({});
    await ask(key);
    const regenerated = await admin('/key/regenerate', { key });
    await expect(ask(key)).rejects.toMatchObject({ status: 401 });
    const next = regenerated.json.key as string;
    await ask(next);
    await admin('/key/delete', { keys: [next] });
    await expect(ask(next)).rejects.toMatchObject({ status: 401 });
  });

  test('admin routes need the master key: a virtual key gets 403 admin_only, except its own /key/info', async () => {
    const key = await generate({ key_alias: 'self-service' });
    const res = await fetch(`${gw.url}/key/list`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { type: 'permission_error', code: 'admin_only' } });
    const own = await fetch(`${gw.url}/key/info`, { headers: { authorization: `Bearer ${key}` } });
    expect(own.status).toBe(200);
    expect(JSON.stringify(await own.json())).toContain('self-service');
    const doc = (await (await fetch(`${gw.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/key/generate', '/team/new', '/spend/logs/v2', '/v2/key/info']));
  });

  test('cost and spend: x-switchyard-response-cost on answers, spend rows in /spend/logs/v2, a budget stops at 402 without retries', async () => {
    const key = await generate({ key_alias: 'budgeted', max_budget: 0.0001 });
    const { data, response } = await clientFor(key).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const usage = data.usage as { prompt_tokens: number; completion_tokens: number };
    const expected = (usage.prompt_tokens * 2.5 + usage.completion_tokens * 10) / 1e6;
    expect(Number(response.headers.get('x-switchyard-response-cost'))).toBeCloseTo(expected, 12);
    // Calls until the budget is spent: the one that crosses completes, the next is refused.
    let refusal: Response | undefined;
    for (let i = 0; i < 20 && refusal === undefined; i++) {
      await new Promise((r) => setTimeout(r, 30));
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
      });
      if (res.status !== 200) refusal = res;
      else await res.arrayBuffer();
    }
    expect(refusal?.status).toBe(402);
    expect(refusal?.headers.get('x-should-retry')).toBe('false');
    expect(await refusal?.json()).toMatchObject({ error: { type: 'budget_exceeded', code: 'budget_exceeded' } });
    const calls = upstream.requests.length;
    expect(calls).toBeGreaterThanOrEqual(2);
    // The openai SDK makes exactly one request on a 402 (no retries even when allowed).
    const retrying = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 3 });
    await expect(retrying.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 402 });
    expect(upstream.requests.length).toBe(calls);
    // Spend rows land in batches: poll the admin API until they are there.
    let rows: { spend: number; status: string; key_alias: string; call_type: string; api_key: string }[] = [];
    for (let i = 0; i < 50 && rows.length < calls; i++) {
      await new Promise((r) => setTimeout(r, 100));
      rows = (await admin(`/spend/logs/v2?key_alias=budgeted`, undefined, 'GET')).json.data as typeof rows;
    }
    expect(rows.filter((r) => r.status === 'success')).toHaveLength(calls);
    expect(rows[0]).toMatchObject({ key_alias: 'budgeted', call_type: 'acompletion' });
    expect(rows[0]?.api_key).toMatch(/^[0-9a-f]{64}$/);
    expect(rows.filter((r) => r.status === 'success').every((r) => r.spend > 0)).toBe(true);
  });

  test("a stream without include_usage: the client gets no usage chunk, the spend row still has the stream's tokens", async () => {
    const key = await generate({ key_alias: 'streamer' });
    const stream = await clientFor(key).chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'stream me' }] });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('echo: stream me');
    expect(chunks.every((c) => c.choices.length > 0 && c.usage == null)).toBe(true);
    expect((upstream.requests[0]?.json as { stream_options?: unknown }).stream_options).toEqual({ include_usage: true });
    let rows: { total_tokens: number; spend: number }[] = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      rows = (await admin(`/spend/logs/v2?key_alias=streamer`, undefined, 'GET')).json.data as typeof rows;
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]?.total_tokens).toBeGreaterThan(0);
    expect(rows[0]?.spend).toBeGreaterThan(0);
  });

  test('a client that sends the same x-request-id twice gets two spend rows, and the key is charged for both', async () => {
    const key = await generate({ key_alias: 'same-request-id' });
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0, defaultHeaders: { 'x-request-id': 'client-fixed-id' } });
    for (let i = 0; i < 2; i++) await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: `call ${i}` }] });
    let rows: { request_id: string; spend: number }[] = [];
    for (let i = 0; i < 50 && rows.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      rows = (await admin('/spend/logs/v2?key_alias=same-request-id', undefined, 'GET')).json.data as typeof rows;
    }
    expect(rows.map((r) => r.request_id)).toEqual(['client-fixed-id', 'client-fixed-id']);
    // The key's own record (self-service /key/info): both rows' cost accrued, none skipped.
    const info = (await (await fetch(`${gw.url}/key/info`, { headers: { authorization: `Bearer ${key}` } })).json()) as { info: { spend: number } };
    expect(rows.every((r) => r.spend > 0)).toBe(true);
    expect(info.info.spend).toBeCloseTo(rows.reduce((sum, r) => sum + r.spend, 0), 12);
  });
});
