import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, definePlugin, forbidden, type ChatCompletion, type ChatCompletionChunk, type RunningGateway } from 'switchyard';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { startMockOpenAI, mockOpenAIKey } from '../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../helpers/mock-upstream/server.ts';

/** Exercises every stage through the public plugin API. */
const stages = definePlugin(() => ({
  name: 'stage-probe',
  setup({ hooks }) {
    hooks.auth.tapPromise('stage-probe', async (ctx) => {
      if (ctx.apiKey === 'blocked') throw forbidden('this key is blocked');
      if (ctx.apiKey === 'crash') throw new Error('secret internals');
      return ctx.apiKey === undefined ? undefined : { id: `user:${ctx.apiKey}`, role: 'user' };
    });
    hooks.transform.request.tapPromise('stage-probe', async (request, ctx) => {
      if (ctx.operation !== 'chat' || !('messages' in request)) return request;
      return { ...request, messages: [...request.messages, { role: 'user', content: 'appended' }] };
    });
    hooks.transform.response.tapPromise('stage-probe', async (result) => {
      const chat = result as ChatCompletion;
      return { ...chat, choices: chat.choices.map((c) => ({ ...c, message: { ...c.message, content: `[${c.message.content}]` } })) };
    });
    hooks.transform.chunk.tap('stage-probe', (chunk) => {
      const c = chunk as ChatCompletionChunk;
      return { ...c, choices: c.choices.map((ch) => ({ ...ch, delta: { ...ch.delta, content: ch.delta.content?.toUpperCase() } })) };
    });
  },
}));

let upstream: MockServer;
let gw: RunningGateway;
beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startTestGateway(defineConfig({ plugins: [openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }), modelRouting({}), stages()] }));
});
afterAll(async () => {
  await gw.close(100);
  await upstream.close();
});

const client = (apiKey: string) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey, maxRetries: 0 });

describe('stages', () => {
  test('transform.request and transform.response rewrite a call', async () => {
    const res = await client('alice').chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.choices[0]?.message.content).toBe('[echo: appended]');
  });

  test('transform.chunk rewrites each streamed chunk', async () => {
    const stream = await client('alice').chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'x' }] });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('ECHO: APPENDED');
  });

  test('auth: a GatewayError reaches the client; a bug is a 500 without internals; no principal is 401', async () => {
    await expect(client('blocked').models.list()).rejects.toMatchObject({ status: 403, message: expect.stringContaining('blocked') });
    const crash = (await client('crash').models.list().catch((e: unknown) => e)) as APIError;
    expect(crash.status).toBe(500);
    expect(JSON.stringify(crash.error)).not.toContain('secret internals');
    const res = await fetch(`${gw.url}/v1/models`);
    expect(res.status).toBe(401);
  });
});
