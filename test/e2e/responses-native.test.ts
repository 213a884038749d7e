import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { defineConfig, definePlugin, unauthorized, type Principal, type RunningGateway, type Usage } from 'switchyard';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import inboundResponses from '../../plugins/inbound/responses/index.ts';
import anthropic from '../../plugins/providers/anthropic/index.ts';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockAnthropicKey, startMockAnthropic } from '../helpers/mock-upstream/anthropic.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import type { MockServer, RecordedRequest } from '../helpers/mock-upstream/server.ts';

// OpenAI's Responses API on OpenAI deployments is passed through natively (design/inbound.md §1):
// the client's body goes up with only `model` changed, the upstream's ids and events come back as
// they are, and a native response stays with the deployment that created it.

type Json = Record<string, unknown>;
const keys = { admin: 'sy-native-admin', alice: 'sy-native-alice', bob: 'sy-native-bob' } as const;
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

/** What the log stage saw of each model call: what spend, limits and metrics read. */
const seen: { usage: Usage | undefined; provider: string | undefined; stream: boolean }[] = [];
const capture = definePlugin(() => ({
  name: 'test-capture',
  setup(gateway) {
    gateway.hooks.log.tapPromise('test-capture', async (ctx, outcome) => {
      seen.push({ usage: ctx.usage, provider: ctx.deployment?.provider, stream: outcome.stream });
    });
  },
}));

const claudeModel = 'claude-3-5-sonnet-20241022';

function gatewayConfig(openaiUrl: string, anthropicUrl: string, redisUrl?: string) {
  return defineConfig({
    plugins: [
      openai({ apiKey: mockOpenAIKey, baseURL: `${openaiUrl}/v1` }),
      anthropic({ apiKey: mockAnthropicKey, baseURL: anthropicUrl }),
      keyAuth(),
      modelRouting({}),
      orderedFallback({ retryDelayMs: 1 }),
      capture(),
      inboundResponses(redisUrl === undefined ? { ttlSeconds: 600 } : { redisUrl, ttlSeconds: 600 }),
    ],
    models: [
      { name: 'smart', deployments: [{ provider: 'openai', model: 'gpt-4o' }], maxAttempts: 1 },
      { name: 'mini', deployments: [{ provider: 'openai', model: 'gpt-4o-mini' }], maxAttempts: 1 },
      { name: 'claude', deployments: [{ provider: 'anthropic', model: claudeModel }], maxAttempts: 1 },
      {
        name: 'mixed',
        deployments: [
          { provider: 'openai', model: 'gpt-4o' },
          { provider: 'anthropic', model: claudeModel },
        ],
        maxAttempts: 2,
      },
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
  [openaiUp, anthropicUp] = await Promise.all([startMockOpenAI(), startMockAnthropic()]);
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
  seen.length = 0;
});

const lastSent = (upstream: MockServer): RecordedRequest => upstream.requests.at(-1) as RecordedRequest;
const lastSeen = () => vi.waitFor(() => seen.at(-1) ?? Promise.reject(new Error('not logged yet')));

/** The upstream's own copy of a response, read straight from the mock. */
async function upstreamCopy(id: string): Promise<Json> {
  const answer = await fetch(`${openaiUp.url}/v1/responses/${id}`, { headers: { authorization: `Bearer ${mockOpenAIKey}` } });
  expect(answer.status).toBe(200);
  return (await answer.json()) as Json;
}

describe('the Responses API on an OpenAI deployment is passed through natively', () => {
  test('responses.create: the upstream gets the body with its model; the client gets its response, ids and all; usage is seen', async () => {
    const request = { model: 'smart', instructions: 'be brief', input: 'hello', temperature: 0.5, metadata: { run: '1' }, tools: [{ type: 'web_search' as const }] };
    const { data, response } = await clients.alice.responses.create(request).withResponse();
    const sent = lastSent(openaiUp);
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/v1/responses');
    expect(sent.json).toEqual({ ...request, model: 'gpt-4o' });
    expect(response.headers.get('x-switchyard-provider')).toBe('openai');

    expect(data.id).toMatch(/^resp_mock_/);
    const { output_text: outputText, ...rest } = data;
    expect(rest).toEqual(await upstreamCopy(data.id));
    expect(outputText).toBe('echo: hello');
    // A built-in tool's item: nothing a translation could have produced.
    expect(data.output[0]).toMatchObject({ type: 'web_search_call', status: 'completed' });

    const usage = data.usage as NonNullable<typeof data.usage>;
    const logged = await lastSeen();
    expect(logged).toMatchObject({ provider: 'openai', stream: false });
    expect(logged.usage).toEqual({
      prompt_tokens: usage.input_tokens,
      completion_tokens: usage.output_tokens,
      total_tokens: usage.total_tokens,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });

    // The same built-in tool on a translated deployment is refused, naming it.
    await expect(clients.alice.responses.create({ ...request, model: 'claude' })).rejects.toMatchObject({ status: 400, param: 'tools[0].type' });
    expect(anthropicUp.requests).toHaveLength(0);
  });

  test('responses.stream with a function tool: the upstream events are relayed as they are; usage is seen', async () => {
    const stream = clients.alice.responses.stream({ model: 'smart', input: 'weather in Paris?', tools: [weatherTool] });
    const events: ResponseStreamEvent[] = [];
    stream.on('event', (e) => events.push(e));
    const final = await stream.finalResponse();
    expect(lastSent(openaiUp).json).toEqual({ model: 'gpt-4o', input: 'weather in Paris?', tools: [weatherTool], stream: true });
    expect(final.id).toMatch(/^resp_mock_/);
    const call = final.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ id: expect.stringMatching(/^fc_mock_/), call_id: expect.stringMatching(/^call_mock_/), name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events[0]?.type).toBe('response.created');
    expect(events.at(-1)?.type).toBe('response.completed');
    // The SDK adds parsed_arguments and output_parsed to what it received; the rest is the upstream's.
    expect(final).toMatchObject(await upstreamCopy(final.id));

    const logged = await lastSeen();
    expect(logged).toMatchObject({ provider: 'openai', stream: true });
    expect(logged.usage?.prompt_tokens).toBe(final.usage?.input_tokens);
    expect(logged.usage?.completion_tokens).toBe(final.usage?.output_tokens);
  });

  test('previous_response_id of a native response continues natively on the same deployment, right after the stream ends', async () => {
    const first = await clients.alice.responses.stream({ model: 'smart', input: 'hello' }).finalResponse();
    const second = await clients.alice.responses.create({ model: 'smart', previous_response_id: first.id, input: 'and again' });
    expect(lastSent(openaiUp).json).toEqual({ model: 'gpt-4o', previous_response_id: first.id, input: 'and again' });
    expect(second.output_text).toBe(`echo: and again (after ${first.id})`);
    const third = await clients.alice.responses.create({ model: 'smart', previous_response_id: second.id, input: 'once more' });
    expect(third.output_text).toBe(`echo: once more (after ${second.id})`);
    expect(third.previous_response_id).toBe(second.id);
  });

  test('a native previous_response_id on a request routed elsewhere, or of another tenant, is 400 previous_response_not_found', async () => {
    const first = await clients.alice.responses.create({ model: 'smart', input: 'hello' });
    openaiUp.reset();
    for (const model of ['claude', 'mini']) {
      await expect(clients.alice.responses.create({ model, previous_response_id: first.id, input: 'more' })).rejects.toMatchObject({
        status: 400,
        code: 'previous_response_not_found',
        param: 'previous_response_id',
      });
    }
    await expect(clients.bob.responses.create({ model: 'smart', previous_response_id: first.id, input: 'more' })).rejects.toMatchObject({
      status: 400,
      code: 'previous_response_not_found',
    });
    await expect(clients.bob.responses.retrieve(first.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect(openaiUp.requests).toHaveLength(0);
    expect(anthropicUp.requests).toHaveLength(0);
  });

  test('a translated response continued on an OpenAI deployment is translated there (only the gateway holds it)', async () => {
    const first = await clients.alice.responses.create({ model: 'claude', input: 'hello' });
    const second = await clients.alice.responses.create({ model: 'smart', previous_response_id: first.id, input: 'and again' });
    expect(lastSent(openaiUp).url).toBe('/v1/chat/completions');
    expect((lastSent(openaiUp).json as { messages: Json[] }).messages).toEqual([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'echo: hello' },
      { role: 'user', content: 'and again' },
    ]);
    expect(second.output_text).toBe('echo: and again');
  });

  test('GET, input_items and DELETE of a native id are forwarded to its deployment', async () => {
    const created = await clients.alice.responses.create({ model: 'smart', input: 'keep me' });
    openaiUp.reset();
    const got = await clients.alice.responses.retrieve(created.id);
    expect(lastSent(openaiUp)).toMatchObject({ method: 'GET', url: `/v1/responses/${created.id}` });
    expect(lastSent(openaiUp).headers.authorization).toBe(`Bearer ${mockOpenAIKey}`);
    const { output_text: _text, ...rest } = got;
    expect(rest).toEqual(await upstreamCopy(created.id));

    openaiUp.reset();
    const items = await clients.alice.responses.inputItems.list(created.id, { limit: 5 });
    expect(lastSent(openaiUp)).toMatchObject({ method: 'GET', url: `/v1/responses/${created.id}/input_items?limit=5` });
    expect(items.data).toMatchObject([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'keep me' }] }]);

    // Another tenant gets nothing, and nothing reaches the upstream.
    openaiUp.reset();
    await expect(clients.bob.responses.delete(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect(openaiUp.requests).toHaveLength(0);

    await clients.alice.responses.delete(created.id);
    expect(lastSent(openaiUp)).toMatchObject({ method: 'DELETE', url: `/v1/responses/${created.id}` });
    const upstreamAfter = await fetch(`${openaiUp.url}/v1/responses/${created.id}`, { headers: { authorization: `Bearer ${mockOpenAIKey}` } });
    expect(upstreamAfter.status).toBe(404);
    await expect(clients.alice.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  test('store: false is not recorded: a follow-up naming it is refused by the gateway', async () => {
    const created = await clients.alice.responses.create({ model: 'smart', input: 'forget me', store: false });
    openaiUp.reset();
    await expect(clients.alice.responses.create({ model: 'smart', previous_response_id: created.id, input: 'x' })).rejects.toMatchObject({
      status: 400,
      code: 'previous_response_not_found',
    });
    expect(openaiUp.requests).toHaveLength(0);
  });

  test('a mixed group: the OpenAI deployment failing 500 falls back to a translated answer from Anthropic', async () => {
    openaiUp.override((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'boom', type: 'server_error', param: null, code: null } }));
    });
    const { data, response } = await clients.alice.responses.create({ model: 'mixed', input: 'hello' }).withResponse();
    expect(openaiUp.requests.map((r) => r.url)).toEqual(['/v1/responses']);
    expect(anthropicUp.requests.map((r) => r.url)).toEqual(['/v1/messages']);
    expect(response.headers.get('x-switchyard-provider')).toBe('anthropic');
    expect(data.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(data.model).toBe('mixed');
    expect(data.output_text).toBe('echo: hello');
  });

  test("an upstream error keeps OpenAI's envelope with the gateway's status", async () => {
    await expect(clients.alice.responses.create({ model: 'smart', input: 'x', bogus: 1 } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('Unrecognized request argument supplied: bogus'),
    });
  });
});

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn('REDIS_URL is not set: skipping the shared native Responses test');

describe.skipIf(!redisUrl)('native responses in the Redis response store', () => {
  test('created natively on one instance; continued, retrieved and deleted through another', async () => {
    const [one, two] = await Promise.all([
      startTestGateway(gatewayConfig(openaiUp.url, anthropicUp.url, redisUrl)),
      startTestGateway(gatewayConfig(openaiUp.url, anthropicUp.url, redisUrl)),
    ]);
    try {
      const first = await clientFor(one.url, keys.alice).responses.create({ model: 'smart', input: 'hello' });
      const onTwo = clientFor(two.url, keys.alice);
      const second = await onTwo.responses.create({ model: 'smart', previous_response_id: first.id, input: 'and again' });
      expect(second.output_text).toBe(`echo: and again (after ${first.id})`);
      expect((await onTwo.responses.retrieve(first.id)).id).toBe(first.id);
      await onTwo.responses.delete(first.id);
      await expect(clientFor(one.url, keys.alice).responses.retrieve(first.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    } finally {
      await Promise.all([one.close(1000), two.close(1000)]);
    }
  });
});
