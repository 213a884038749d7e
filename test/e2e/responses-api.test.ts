import OpenAI from 'openai';
import type { ResponseFunctionToolCall, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, definePlugin, type Principal, type RunningGateway, unauthorized } from 'switchyard';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import inboundResponses from '../../plugins/inbound/responses/index.ts';
import anthropic from '../../plugins/providers/anthropic/index.ts';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockAnthropicKey, startMockAnthropic } from '../helpers/mock-upstream/anthropic.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import { chunkOf, faults, streamFaults, type MockServer, type RecordedRequest } from '../helpers/mock-upstream/server.ts';

type Json = Record<string, unknown>;

/** Three callers: the master key (admin) and two tenants. */
const keys = { admin: 'sy-resp-admin', alice: 'sy-resp-alice', bob: 'sy-resp-bob' } as const;
const principals: Record<string, Principal> = {
  [keys.admin]: { id: 'master-key', role: 'admin' },
  [keys.alice]: { id: 'alice', role: 'user' },
  [keys.bob]: { id: 'bob', role: 'user' },
};

const keyAuth = definePlugin(() => ({
  name: 'test-keys',
  setup(gateway) {
    gateway.hooks.auth.tapPromise('test-keys', async (ctx) => {
      const principal = ctx.apiKey === undefined ? undefined : principals[ctx.apiKey];
      if (principal === undefined) throw unauthorized('invalid API key');
      return principal;
    });
  },
}));

const claudeModel = 'claude-3-5-sonnet-20241022';

/**
 * An OpenAI-wire deployment (`smart`) and an Anthropic one (`claude`), each tried once. The
 * OpenAI-wire server is declared without the Responses API (`responses: false`, as every
 * OpenAI-compatible preset is), so both are translated here; native pass-through to OpenAI is
 * tested in responses-native.test.ts.
 */
function gatewayConfig(openaiUrl: string, anthropicUrl: string, redisUrl?: string) {
  return defineConfig({
    plugins: [
      openai({ apiKey: mockOpenAIKey, baseURL: `${openaiUrl}/v1`, responses: false }),
      anthropic({ apiKey: mockAnthropicKey, baseURL: anthropicUrl }),
      keyAuth(),
      modelRouting({}),
      orderedFallback({ retryDelayMs: 1 }),
      inboundResponses(redisUrl === undefined ? { ttlSeconds: 600 } : { redisUrl, ttlSeconds: 600 }),
    ],
    models: [
      { name: 'smart', deployments: [{ provider: 'openai', model: 'gpt-4o' }], maxAttempts: 1 },
      { name: 'claude', deployments: [{ provider: 'anthropic', model: claudeModel }], maxAttempts: 1 },
    ],
  });
}

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

let openaiUp: MockServer;
let anthropicUp: MockServer;
let gw: RunningGateway;
const clients = {} as Record<keyof typeof keys, OpenAI>;

const clientFor = (url: string, apiKey: string): OpenAI => new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });

beforeAll(async () => {
  [openaiUp, anthropicUp] = await Promise.all([startMockOpenAI({ chunkSize: 3 }), startMockAnthropic()]);
  gw = await startTestGateway(gatewayConfig(openaiUp.url, anthropicUp.url));
  for (const name of Object.keys(keys) as (keyof typeof keys)[]) clients[name] = clientFor(gw.url, keys[name]);
});

afterAll(async () => {
  await gw.close(1000);
  await Promise.all([openaiUp.close(), anthropicUp.close()]);
});

beforeEach(() => {
  openaiUp.reset();
  anthropicUp.reset();
});

const providers = [
  { model: 'smart', provider: 'openai', upstream: () => openaiUp, path: '/v1/chat/completions' },
  { model: 'claude', provider: 'anthropic', upstream: () => anthropicUp, path: '/v1/messages' },
] as const;

const lastSent = (upstream: MockServer): Json => (upstream.requests.at(-1) as RecordedRequest).json as Json;

describe("OpenAI's Responses API through the official openai SDK, translated for every provider", () => {
  test.each(providers)('responses.create on $provider: output_text, the echoed settings, usage and headers', async ({ model, provider, upstream, path }) => {
    const { data, response } = await clients.alice.responses.create({ model, instructions: 'be brief', input: 'hello', temperature: 0.5, metadata: { run: '1' } }).withResponse();
    expect(data.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(data.object).toBe('response');
    expect(data.status).toBe('completed');
    expect(data.output_text).toBe('echo: hello');
    expect(data).toMatchObject({ model, instructions: 'be brief', temperature: 0.5, metadata: { run: '1' }, store: true, previous_response_id: null });
    expect(data.output).toEqual([
      { id: expect.stringMatching(/^msg_/), type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'echo: hello', annotations: [] }] },
    ]);
    expect(data.usage?.input_tokens).toBeGreaterThan(0);
    expect(data.usage?.output_tokens).toBeGreaterThan(0);
    expect(data.usage?.total_tokens).toBe((data.usage?.input_tokens ?? 0) + (data.usage?.output_tokens ?? 0));
    expect(response.headers.get('x-switchyard-provider')).toBe(provider);
    expect(upstream().requests).toHaveLength(1);
    expect(upstream().requests[0]?.url).toBe(path);
  });

  test('the upstream of an OpenAI deployment gets a chat request: instructions first, settings mapped, Responses-only fields left out', async () => {
    await clients.alice.responses.create({ model: 'smart', instructions: 'be brief', input: 'hello', temperature: 0.5, max_output_tokens: 50, metadata: { run: '1' } });
    expect(lastSent(openaiUp)).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello' },
      ],
      temperature: 0.5,
      max_tokens: 50,
    });
  });

  test.each(providers)('responses.stream with a function tool on $provider: finalResponse has the call with its exact arguments', async ({ model, upstream }) => {
    const stream = clients.alice.responses.stream({ model, input: 'weather in Paris?', tools: [weatherTool] });
    const deltas: string[] = [];
    const types: string[] = [];
    stream.on('response.function_call_arguments.delta', (e) => deltas.push(e.delta));
    stream.on('event', (e) => types.push(e.type));
    const final = await stream.finalResponse();
    expect(final.status).toBe('completed');
    const calls = final.output.filter((item) => item.type === 'function_call');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' });
    expect(calls[0]?.id).toMatch(/^fc_/);
    expect(deltas.join('')).toBe('{"city":"Paris"}');
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(final.usage?.output_tokens).toBeGreaterThan(0);
    expect(upstream().requests).toHaveLength(1);
  });

  test.each(providers)('a function call continued with previous_response_id right after the stream ends ($provider): the upstream gets the earlier turn', async ({ model, provider, upstream }) => {
    const first = await clients.alice.responses.stream({ model, input: 'weather in Paris?', tools: [weatherTool] }).finalResponse();
    const call = first.output.find((item) => item.type === 'function_call') as ResponseFunctionToolCall;
    const second = await clients.alice.responses.create({
      model,
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: 'sunny' }],
      tools: [weatherTool],
    });
    expect(second.output_text).toBe('tool result: sunny');
    expect(second.previous_response_id).toBe(first.id);
    const sent = lastSent(upstream());
    if (provider === 'openai') {
      expect(sent.messages).toEqual([
        { role: 'user', content: 'weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: call.call_id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: call.call_id, content: 'sunny' },
      ]);
    } else {
      expect(sent.messages).toEqual([
        { role: 'user', content: 'weather in Paris?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: call.call_id, name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.call_id, content: 'sunny' }] },
      ]);
    }
  });

  test('a text conversation over three turns: each follow-up sends the whole chain, and the instructions of its own request only', async () => {
    const one = await clients.alice.responses.create({ model: 'smart', instructions: 'first rules', input: 'hello' });
    const two = await clients.alice.responses.create({ model: 'smart', previous_response_id: one.id, input: 'and again' });
    await clients.alice.responses.create({ model: 'smart', instructions: 'new rules', previous_response_id: two.id, input: 'third' });
    expect(lastSent(openaiUp).messages).toEqual([
      { role: 'system', content: 'new rules' },
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'echo: hello' },
      { role: 'user', content: 'and again' },
      { role: 'assistant', content: 'echo: and again' },
      { role: 'user', content: 'third' },
    ]);
  });

  test('store: false keeps nothing: a follow-up is 400 previous_response_not_found and retrieve is 404', async () => {
    const first = await clients.alice.responses.create({ model: 'smart', input: 'x', store: false });
    expect((first as unknown as Json).store).toBe(false);
    const err = await clients.alice.responses.create({ model: 'smart', input: 'y', previous_response_id: first.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'previous_response_not_found', param: 'previous_response_id' });
    expect(openaiUp.requests).toHaveLength(1);
    await expect(clients.alice.responses.retrieve(first.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  test('retrieve, inputItems.list and delete, served from the store (with and without /v1)', async () => {
    const created = await clients.alice.responses.create({
      model: 'claude',
      input: [
        { role: 'developer', content: 'Answer in one word.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Greet me' }] },
      ],
    });
    expect(await clients.alice.responses.retrieve(created.id)).toEqual(created);

    const listed: unknown[] = [];
    for await (const item of clients.alice.responses.inputItems.list(created.id, { order: 'asc', limit: 1 })) listed.push(item);
    expect(listed).toEqual([
      { id: expect.stringMatching(/^msg_/), type: 'message', role: 'developer', status: 'completed', content: [{ type: 'input_text', text: 'Answer in one word.' }] },
      { id: expect.stringMatching(/^msg_/), type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'Greet me' }] },
    ]);
    const newestFirst = await fetch(`${gw.url}/responses/${created.id}/input_items`, { headers: { authorization: `Bearer ${keys.alice}` } });
    expect(newestFirst.status).toBe(200);
    expect(((await newestFirst.json()) as { data: { role: string }[] }).data.map((i) => i.role)).toEqual(['user', 'developer']);

    const badLimit = await fetch(`${gw.url}/v1/responses/${created.id}/input_items?limit=0`, { headers: { authorization: `Bearer ${keys.alice}` } });
    expect(badLimit.status).toBe(400);
    expect(await badLimit.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'limit' } });

    const deleted = await fetch(`${gw.url}/v1/responses/${created.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${keys.alice}` } });
    expect(await deleted.json()).toEqual({ id: created.id, object: 'response', deleted: true });
    const gone = await fetch(`${gw.url}/v1/responses/${created.id}`, { headers: { authorization: `Bearer ${keys.alice}` } });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ error: { message: `Response with id '${created.id}' not found.`, type: 'not_found_error', param: null, code: 'response_not_found' } });
    await expect(clients.alice.responses.delete(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("another tenant's response is a 404 for every route and unknown to previous_response_id; an admin sees it", async () => {
    const mine = await clients.alice.responses.create({ model: 'smart', input: 'secret plans' });
    const absent = await fetch(`${gw.url}/v1/responses/resp_absent`, { headers: { authorization: `Bearer ${keys.bob}` } });
    const asBob = (path: string, method = 'GET') => fetch(`${gw.url}${path}`, { method, headers: { authorization: `Bearer ${keys.bob}` } });
    for (const [path, method] of [[`/v1/responses/${mine.id}`, 'GET'], [`/v1/responses/${mine.id}/input_items`, 'GET'], [`/v1/responses/${mine.id}`, 'DELETE']] as const) {
      const res = await asBob(path, method);
      expect(res.status, `${method} ${path}`).toBe(404);
      const body = (await res.json()) as { error: Json };
      // Exactly what an id that does not exist gets: nothing tells the two apart.
      expect(body.error).toEqual({ ...((await absent.clone().json()) as { error: Json }).error, message: `Response with id '${mine.id}' not found.` });
    }
    const err = await clients.bob.responses.create({ model: 'smart', input: 'tell me', previous_response_id: mine.id }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 'previous_response_not_found', param: 'previous_response_id' });
    expect(openaiUp.requests).toHaveLength(1);

    expect((await clients.alice.responses.retrieve(mine.id)).output_text).toBe('echo: secret plans');
    expect((await clients.admin.responses.retrieve(mine.id)).id).toBe(mine.id);
  });

  test("errors in OpenAI's envelope: bad key 401, bad body 400 with param, unknown model 404, built-in tool 400 naming it, upstream 500 → 502", async () => {
    const stranger = clientFor(gw.url, 'wrong-key');
    await expect(stranger.responses.create({ model: 'smart', input: 'x' })).rejects.toMatchObject({ status: 401, type: 'authentication_error' });

    const badBody = await clients.alice.responses.create({ model: 'smart', input: 'x', temperature: 7 }).catch((e: unknown) => e);
    expect(badBody).toBeInstanceOf(OpenAI.BadRequestError);
    expect(badBody).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'temperature' });
    const raw = await fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'no model' }),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'model' } });

    await expect(clients.alice.responses.create({ model: 'nope-model', input: 'x' })).rejects.toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });

    const builtIn = await clients.alice.responses.create({ model: 'claude', input: 'news?', tools: [{ type: 'web_search' }] }).catch((e: unknown) => e);
    expect(builtIn).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'unsupported_parameter', param: 'tools[0].type' });
    expect((builtIn as Error).message).toContain('web_search');

    openaiUp.override(faults.status(500, { error: { message: 'boom', type: 'server_error' } }));
    await expect(clients.alice.responses.create({ model: 'smart', input: 'x' })).rejects.toMatchObject({ status: 502 });
    expect(openaiUp.requests).toHaveLength(1);
    expect(anthropicUp.requests).toHaveLength(0);
  });

  test('an upstream cut mid-stream: error, then response.failed with the text sent so far; the failed response is not stored', async () => {
    openaiUp.override(streamFaults.cut([chunkOf('Partial')]));
    const stream = await clients.alice.responses.create({ model: 'smart', input: 'x', stream: true });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.slice(-2).map((e) => e.type)).toEqual(['error', 'response.failed']);
    const last = events.at(-1);
    const failed = last?.type === 'response.failed' ? last.response : undefined;
    expect(failed?.status).toBe('failed');
    expect(failed?.output).toMatchObject([{ type: 'message', status: 'incomplete', content: [{ text: 'Partial' }] }]);
    await expect(clients.alice.responses.retrieve(failed?.id as string)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  test('/openapi.json lists the Responses routes', async () => {
    const doc = (await (await fetch(`${gw.url}/openapi.json`)).json()) as { paths: Record<string, Json> };
    expect(Object.keys(doc.paths['/v1/responses'] ?? {})).toEqual(['post']);
    expect(Object.keys(doc.paths['/v1/responses/{id}'] ?? {}).sort()).toEqual(['delete', 'get']);
    expect(Object.keys(doc.paths['/v1/responses/{id}/input_items'] ?? {})).toEqual(['get']);
  });
});

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn('REDIS_URL is not set: skipping the shared Responses store test');

describe.skipIf(!redisUrl)('the Redis response store', () => {
  test('two gateway instances share a conversation: created on one, continued and retrieved on the other', async () => {
    const [one, two] = await Promise.all([
      startTestGateway(gatewayConfig(openaiUp.url, anthropicUp.url, redisUrl)),
      startTestGateway(gatewayConfig(openaiUp.url, anthropicUp.url, redisUrl)),
    ]);
    try {
      const first = await clientFor(one.url, keys.alice).responses.stream({ model: 'smart', input: 'hello' }).finalResponse();
      const onTwo = clientFor(two.url, keys.alice);
      const second = await onTwo.responses.create({ model: 'smart', previous_response_id: first.id, input: 'and again' });
      expect(second.output_text).toBe('echo: and again');
      expect(lastSent(openaiUp).messages).toEqual([
        { role: 'user', content: 'hello' },
        { role: 'assistant', content: 'echo: hello' },
        { role: 'user', content: 'and again' },
      ]);
      expect((await onTwo.responses.retrieve(first.id)).output_text).toBe('echo: hello');
      // The memory store of the shared gateway never saw it: only Redis can have answered.
      await expect(clients.alice.responses.retrieve(first.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
      await onTwo.responses.delete(first.id);
      await expect(clientFor(one.url, keys.alice).responses.retrieve(first.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    } finally {
      await Promise.all([one.close(1000), two.close(1000)]);
    }
  });
});
