import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { defineConfig, definePlugin, type RunningGateway, type Usage } from 'switchyard';
import masterKey from '../../plugins/auth/master-key/index.ts';
import memoryCache from '../../plugins/cache/memory/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import inboundMessages from '../../plugins/inbound/messages/index.ts';
import anthropic from '../../plugins/providers/anthropic/index.ts';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { anthropicError, anthropicHandler, mockAnthropicKey, startMockAnthropic } from '../helpers/mock-upstream/anthropic.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import type { MockServer, RecordedRequest } from '../helpers/mock-upstream/server.ts';

// Anthropic's Messages API on Anthropic deployments is passed through natively (design/inbound.md
// §2): the client's body goes up with only `model` changed, the answer comes back byte for byte.

const key = 'sy-test-master-key-native-messages';
const claudeModel = 'claude-sonnet-4-20250514';
type Json = Record<string, unknown>;

/** What the log stage saw of each call: what spend, limits and metrics read. */
interface Seen {
  readonly usage: Usage | undefined;
  readonly provider: string | undefined;
  readonly status: number;
  readonly stream: boolean;
  readonly error: string | undefined;
}
const seen: Seen[] = [];
const capture = definePlugin(() => ({
  name: 'test-capture',
  setup(gateway) {
    gateway.hooks.log.tapPromise('test-capture', async (ctx, outcome) => {
      seen.push({ usage: ctx.usage, provider: ctx.deployment?.provider, status: outcome.status, stream: outcome.stream, error: outcome.error?.extra.code });
    });
  },
}));

let anthropicUp: MockServer;
let openaiUp: MockServer;
let gw: RunningGateway;
let client: Anthropic;

beforeAll(async () => {
  [anthropicUp, openaiUp] = await Promise.all([startMockAnthropic({ chunkSize: 5 }), startMockOpenAI({ chunkSize: 3 })]);
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        anthropic({ apiKey: mockAnthropicKey, baseURL: anthropicUp.url }),
        openai({ apiKey: mockOpenAIKey, baseURL: `${openaiUp.url}/v1` }),
        masterKey({ key }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1 }),
        memoryCache({}),
        capture(),
        inboundMessages(),
      ],
      models: [
        { name: 'claude', deployments: [{ provider: 'anthropic', model: claudeModel }], maxAttempts: 1 },
        { name: 'gpt', deployments: [{ provider: 'openai', model: 'gpt-4o' }], maxAttempts: 1 },
        {
          name: 'mixed',
          deployments: [
            { provider: 'anthropic', model: claudeModel },
            { provider: 'openai', model: 'gpt-4o' },
          ],
          maxAttempts: 2,
        },
      ],
    }),
  );
  client = new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
});

afterAll(async () => {
  await gw.close(1000);
  await Promise.all([anthropicUp.close(), openaiUp.close()]);
});

beforeEach(() => {
  anthropicUp.reset();
  openaiUp.reset();
  seen.length = 0;
});

const weatherTool = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
  cache_control: { type: 'ephemeral' as const },
};

/** A request with what a translation would lose: thinking, cache_control on system and tools. */
const thinkingRequest = {
  model: 'claude',
  max_tokens: 2048,
  thinking: { type: 'enabled' as const, budget_tokens: 1024 },
  system: [{ type: 'text' as const, text: 'be brief', cache_control: { type: 'ephemeral' as const } }],
  tools: [weatherTool],
  messages: [{ role: 'user' as const, content: 'weather in Paris?' }],
};
const beta = 'interleaved-thinking-2025-05-14';

/** The mock's own answer to a body (sent straight to it): what the client must get, byte for byte. */
async function direct(body: Json): Promise<string> {
  const answer = await fetch(`${anthropicUp.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': mockAnthropicKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return answer.text();
}

const received = (): RecordedRequest => anthropicUp.requests[0] as RecordedRequest;
const lastSeen = async (): Promise<Seen> => vi.waitFor(() => seen.at(-1) ?? Promise.reject(new Error('not logged yet')));

describe('the Messages API on an Anthropic deployment is passed through natively', () => {
  test('messages.create with tools and thinking: the upstream gets the body (model changed) and the headers; the client the upstream blocks', async () => {
    // A version other than the provider's configured one (2023-06-01): the client's goes up.
    const { data, response } = await client.messages.create(thinkingRequest, { headers: { 'anthropic-beta': beta, 'anthropic-version': '2099-01-01' } }).withResponse();
    const sent = received();
    expect(sent.url).toBe('/v1/messages');
    expect(sent.json).toEqual({ ...thinkingRequest, model: claudeModel });
    expect(sent.headers['anthropic-beta']).toBe(beta);
    expect(sent.headers['anthropic-version']).toBe('2099-01-01');
    expect(sent.headers['x-api-key']).toBe(mockAnthropicKey);
    expect(response.headers.get('x-switchyard-provider')).toBe('anthropic');

    const upstream = JSON.parse(await direct({ ...thinkingRequest, model: claudeModel })) as { content: Json[]; usage: Json; model: string };
    expect(data.content).toEqual(upstream.content);
    expect(data.content[0]).toEqual({ type: 'thinking', thinking: 'Thinking about: weather in Paris?', signature: 'sig_mock' });
    expect(data.content[1]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });
    // The upstream's own model id: nothing is re-encoded under the client's name.
    expect(data.model).toBe(claudeModel);

    const usage = upstream.usage as { input_tokens: number; output_tokens: number; cache_read_input_tokens: number };
    expect(usage.cache_read_input_tokens).toBe(100);
    const logged = await lastSeen();
    expect(logged).toMatchObject({ provider: 'anthropic', status: 200, stream: false });
    expect(logged.usage).toEqual({
      prompt_tokens: usage.input_tokens + 100,
      completion_tokens: usage.output_tokens,
      total_tokens: usage.input_tokens + 100 + usage.output_tokens,
      prompt_tokens_details: { cached_tokens: 100 },
    });

    // The next turn sends the thinking block with its signature back: a translation would drop it.
    anthropicUp.reset();
    const toolUse = data.content[1] as { id: string };
    const next = {
      ...thinkingRequest,
      messages: [
        ...thinkingRequest.messages,
        { role: 'assistant' as const, content: data.content },
        { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: toolUse.id, content: 'sunny' }] },
      ],
    };
    const second = await client.messages.create(next as Anthropic.MessageCreateParamsNonStreaming);
    expect((received().json as { messages: Json[] }).messages[1]).toEqual({ role: 'assistant', content: data.content });
    expect(second.content.at(-1)).toEqual({ type: 'text', text: 'tool result: sunny' });
  });

  test('the raw answer is the upstream answer byte for byte, JSON and event stream', async () => {
    const body = { ...thinkingRequest, model: 'claude' };
    for (const stream of [false, true]) {
      const viaGateway = await fetch(`${gw.url}/v1/messages?beta=true`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, stream }),
      });
      expect(viaGateway.status).toBe(200);
      expect(viaGateway.headers.get('content-type')).toMatch(stream ? /^text\/event-stream/ : /^application\/json/);
      expect(await viaGateway.text()).toBe(await direct({ ...body, model: claudeModel, stream }));
    }
  });

  test('messages.stream with tools and thinking: the SDK rebuilds the upstream blocks, signature included; usage is seen', async () => {
    const stream = client.messages.stream(thinkingRequest, { headers: { 'anthropic-beta': beta } });
    const thinking: string[] = [];
    stream.on('thinking', (t) => thinking.push(t));
    const message = await stream.finalMessage();
    expect(received().json).toEqual({ ...thinkingRequest, model: claudeModel, stream: true });
    expect(received().headers['anthropic-beta']).toBe(beta);
    const upstream = JSON.parse(await direct({ ...thinkingRequest, model: claudeModel })) as { content: Json[]; usage: { input_tokens: number; output_tokens: number } };
    expect(message.content).toEqual(upstream.content);
    expect(thinking.join('')).toBe('Thinking about: weather in Paris?');
    expect(message.stop_reason).toBe('tool_use');

    const logged = await lastSeen();
    expect(logged).toMatchObject({ provider: 'anthropic', status: 200, stream: true });
    expect(logged.usage?.prompt_tokens).toBe(upstream.usage.input_tokens + 100);
    expect(logged.usage?.completion_tokens).toBe(upstream.usage.output_tokens);
    expect(logged.usage?.prompt_tokens_details?.cached_tokens).toBe(100);
  });

  test("an error event mid-stream reaches the client as Anthropic sent it; the log stage records the failure", async () => {
    anthropicUp.override(anthropicHandler({ chunkSize: 5, errorAfterDeltas: { deltas: 2, type: 'overloaded_error', message: 'Overloaded' } }));
    const stream = client.messages.stream({ model: 'claude', max_tokens: 100, messages: [{ role: 'user', content: 'a long enough sentence' }] });
    await expect(stream.finalMessage()).rejects.toMatchObject({ error: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
    const logged = await lastSeen();
    expect(logged).toMatchObject({ provider: 'anthropic', stream: true, error: 'upstream_overloaded' });
    expect(logged.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  test('what only Anthropic serves (mcp_servers) passes natively, and is a 400 naming it where it would be translated', async () => {
    const mcp = { mcp_servers: [{ type: 'url', url: 'https://mcp.example.com/sse', name: 'example' }] };
    const native = await client.messages.create({ model: 'claude', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], ...mcp } as Anthropic.MessageCreateParamsNonStreaming);
    expect(native.content).toEqual([{ type: 'text', text: 'echo: hi' }]);
    expect((received().json as Json).mcp_servers).toEqual(mcp.mcp_servers);
    await expect(
      client.messages.create({ model: 'gpt', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], ...mcp } as Anthropic.MessageCreateParamsNonStreaming),
    ).rejects.toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('mcp_servers') } } });
    expect(openaiUp.requests).toHaveLength(0);
  });

  test("Anthropic's error body passes through; the gateway's own errors and a refused gateway key keep the gateway's envelope", async () => {
    const raw = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ ...thinkingRequest, thinking: { type: 'enabled', budget_tokens: 10 } }),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024' },
      request_id: 'req_mock',
    });

    await expect(client.messages.create({ model: 'nope', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 404,
      error: { type: 'error', error: { type: 'not_found_error' } },
    });

    // The upstream refusing the gateway's key is no fault of the client's: 502, the key never shown.
    anthropicUp.override((_req, res) => anthropicError(res, 401, 'authentication_error', `invalid x-api-key: ${mockAnthropicKey}`));
    const refused = await client.messages.create({ model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((err: unknown) => err);
    expect(refused).toMatchObject({ status: 502, error: { type: 'error', error: { type: 'api_error' } } });
    expect(JSON.stringify((refused as { error: unknown }).error)).not.toContain(mockAnthropicKey);
  });
});

describe('a model group mixing providers: each attempt decides native or translated', () => {
  test('the Anthropic deployment fails 500 → the OpenAI deployment answers, translated into a Message', async () => {
    anthropicUp.override((_req, res) => anthropicError(res, 500, 'api_error', 'Internal server error'));
    const { data, response } = await client.messages.create({ model: 'mixed', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] }).withResponse();
    expect(anthropicUp.requests).toHaveLength(1);
    expect(openaiUp.requests.map((r) => r.url)).toEqual(['/v1/chat/completions']);
    expect(data).toMatchObject({ type: 'message', role: 'assistant', model: 'mixed', content: [{ type: 'text', text: 'echo: hello' }], stop_reason: 'end_turn' });
    expect(response.headers.get('x-switchyard-provider')).toBe('openai');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    const logged = await lastSeen();
    expect(logged.provider).toBe('openai');
    expect(logged.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  test('streamed: Anthropic overloaded (529) before the first byte → a translated stream from OpenAI', async () => {
    anthropicUp.override((_req, res) => anthropicError(res, 529, 'overloaded_error', 'Overloaded'));
    const stream = client.messages.stream({ model: 'mixed', max_tokens: 100, messages: [{ role: 'user', content: 'a streamed hello' }] });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'echo: a streamed hello' }]);
    expect(openaiUp.requests).toHaveLength(1);
    expect((await lastSeen()).provider).toBe('openai');
  });

  test('without a failure the first (Anthropic) deployment answers natively, never from the cache of translated answers', async () => {
    // The same request was answered (translated, by OpenAI) and cached in the test before.
    const { data, response } = await client.messages.create({ model: 'mixed', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] }).withResponse();
    expect(data.model).toBe(claudeModel);
    expect(response.headers.get('x-switchyard-cache')).toBeNull();
    expect(anthropicUp.requests).toHaveLength(1);
    expect(openaiUp.requests).toHaveLength(0);
  });

  test('a group of translating providers still uses the cache', async () => {
    const ask = () => client.messages.create({ model: 'gpt', max_tokens: 100, messages: [{ role: 'user', content: 'cache me' }] }).withResponse();
    await ask();
    const { data, response } = await ask();
    expect(response.headers.get('x-switchyard-cache')).toBe('hit');
    expect(data.content).toEqual([{ type: 'text', text: 'echo: cache me' }]);
    expect(openaiUp.requests).toHaveLength(1);
  });
});
