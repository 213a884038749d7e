import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, definePlugin, type CanonicalRequest, type RunningGateway } from 'switchyard';
import memoryCache from '../../../plugins/cache/memory/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';

/**
 * A passthrough provider forwards the client's own bytes when nothing changed the request, and
 * serialises the request again when something did (another model upstream, a transform.request
 * tap, the embeddings cache narrowing the batch).
 */

// Key order, spacing and an escaped character that JSON.stringify would write differently.
const rawChat = '{ "messages" : [ { "content": "caf\\u00e9", "role": "user" } ],\n  "temperature": 0.5,  "model": "gpt-4o" }';
const rawStream = '{"stream":true,  "messages":[{"content":"x","role":"user"}], "model":"gpt-4o"}';

/** A tap that edits the request in place and returns the same object. */
const inPlace = definePlugin(() => ({
  name: 'in-place-edit',
  setup({ hooks }) {
    hooks.transform.request.tapPromise('in-place-edit', async (request: CanonicalRequest) => {
      (request as { temperature?: number }).temperature = 0.9;
      return request;
    });
  },
}));

let upstream: MockServer;
let plain: RunningGateway;
let aliased: RunningGateway;
let tapped: RunningGateway;
let cached: RunningGateway;
beforeAll(async () => {
  upstream = await startMockOpenAI();
  const provider = () => openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` });
  plain = await startTestGateway(defineConfig({ plugins: [provider(), modelRouting({})] }));
  aliased = await startTestGateway(
    defineConfig({ plugins: [provider(), modelRouting({})], models: [{ name: 'alias', deployments: [{ provider: 'openai', model: 'gpt-4o' }] }] }),
  );
  tapped = await startTestGateway(defineConfig({ plugins: [provider(), modelRouting({}), inPlace()] }));
  cached = await startTestGateway(defineConfig({ plugins: [provider(), modelRouting({}), memoryCache({})] }));
});
afterAll(async () => {
  await Promise.all([plain, aliased, tapped, cached].map((g) => g?.close(100)));
  await upstream?.close();
});

async function post(gw: RunningGateway, path: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, text: await res.text() };
}

const lastBody = (): string => upstream.requests.at(-1)?.body ?? '';

describe('request bytes forwarded by passthrough providers', () => {
  test('an unchanged chat request goes upstream byte for byte', async () => {
    const res = await post(plain, '/v1/chat/completions', rawChat);
    expect(res.status).toBe(200);
    expect(lastBody()).toBe(rawChat);
  });

  test('an unchanged streamed request goes upstream byte for byte', async () => {
    const res = await post(plain, '/v1/chat/completions', rawStream);
    expect(res.status).toBe(200);
    expect(res.text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(lastBody()).toBe(rawStream);
  });

  test('another model upstream: re-serialised with that model', async () => {
    const res = await post(aliased, '/v1/chat/completions', rawChat.replace('"gpt-4o"', '"alias"'));
    expect(res.status).toBe(200);
    expect(lastBody()).toBe(JSON.stringify({ messages: [{ content: 'café', role: 'user' }], temperature: 0.5, model: 'gpt-4o' }));
  });

  test('a transform.request tap, even one editing in place: re-serialised with its change', async () => {
    const res = await post(tapped, '/v1/chat/completions', rawChat);
    expect(res.status).toBe(200);
    expect(lastBody()).toBe(JSON.stringify({ messages: [{ content: 'café', role: 'user' }], temperature: 0.9, model: 'gpt-4o' }));
  });

  test('the embeddings cache narrowing a batch: only the missing input goes up', async () => {
    const first = await post(cached, '/v1/embeddings', '{ "input": ["alpha"], "model": "text-embedding-3-small" }');
    expect(first.status).toBe(200);
    expect(lastBody()).toBe('{ "input": ["alpha"], "model": "text-embedding-3-small" }');
    // The store runs after the response; give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await post(cached, '/v1/embeddings', '{ "input": ["alpha", "beta"], "model": "text-embedding-3-small" }');
    expect(second.status).toBe(200);
    expect((JSON.parse(lastBody()) as { input: string[] }).input).toEqual(['beta']);
    expect((JSON.parse(second.text) as { data: unknown[] }).data).toHaveLength(2);
  });
});
