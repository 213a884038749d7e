import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { countPromptTokens, defineConfig, type RunningGateway } from 'switchyard';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import { countBodyToChat } from '../../plugins/inbound/messages/count-tokens.ts';
import inboundMessages from '../../plugins/inbound/messages/index.ts';
import keys from '../../plugins/keys/index.ts';
import anthropic from '../../plugins/providers/anthropic/index.ts';
import gemini from '../../plugins/providers/gemini/index.ts';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { anthropicError, mockAnthropicKey, startMockAnthropic } from '../helpers/mock-upstream/anthropic.ts';
import { mockAnthropicCount } from '../helpers/mock-upstream/anthropic-count.ts';
import { mockGeminiCount } from '../helpers/mock-upstream/gemini-count.ts';
import { mockGeminiKey, startMockGemini } from '../helpers/mock-upstream/gemini.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import type { MockServer, RecordedRequest } from '../helpers/mock-upstream/server.ts';

type Json = Record<string, unknown>;
const master = 'sk-master-count-tokens-0123456789';
let anthropicUp: MockServer;
let geminiUp: MockServer;
let openaiUp: MockServer;
let gw: RunningGateway;
let dataDir: string;
let client: Anthropic;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sy-count-'));
  [anthropicUp, geminiUp, openaiUp] = await Promise.all([startMockAnthropic(), startMockGemini(), startMockOpenAI()]);
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        anthropic({ apiKey: mockAnthropicKey, baseURL: anthropicUp.url }),
        gemini({ apiKey: mockGeminiKey, baseURL: geminiUp.url }),
        openai({ apiKey: mockOpenAIKey, baseURL: `${openaiUp.url}/v1` }),
        keys({ masterKey: master, dataDir }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1 }),
        inboundMessages(),
      ],
      models: [
        { name: 'claude-sonnet', deployments: [{ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' }], maxAttempts: 1 },
        { name: 'gemini-flash', deployments: [{ provider: 'gemini', model: 'gemini-2.0-flash' }], maxAttempts: 1 },
        { name: 'gpt-model', deployments: [{ provider: 'openai', model: 'gpt-4o' }], maxAttempts: 1 },
        {
          name: 'claude-then-gemini',
          deployments: [
            { provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' },
            { provider: 'gemini', model: 'gemini-2.0-flash' },
          ],
          maxAttempts: 2,
        },
      ],
    }),
  );
  client = new Anthropic({ baseURL: gw.url, apiKey: master, maxRetries: 0 });
});

afterAll(async () => {
  await gw.close(1000);
  await Promise.all([anthropicUp.close(), geminiUp.close(), openaiUp.close()]);
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  anthropicUp.reset();
  geminiUp.reset();
  openaiUp.reset();
});

const weatherTool = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

/** A conversation with a system prompt, a tool, and a tool round trip: everything that takes input tokens. */
const conversation = {
  system: 'You answer about the weather, briefly.',
  tools: [weatherTool],
  messages: [
    { role: 'user' as const, content: 'What is the weather in Paris?' },
    { role: 'assistant' as const, content: [{ type: 'tool_use' as const, id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } }] },
    { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 'toolu_01', content: '18 degrees, sunny' }] },
  ],
};

describe('POST /v1/messages/count_tokens through @anthropic-ai/sdk messages.countTokens', () => {
  test('an Anthropic deployment counts exactly: the body forwarded with the deployment model, anthropic-* headers passed', async () => {
    const { data, response } = await client.messages
      .countTokens({ model: 'claude-sonnet', ...conversation }, { headers: { 'anthropic-beta': 'token-counting-2024-11-01', 'anthropic-version': '2023-01-01' } })
      .withResponse();
    expect(anthropicUp.requests).toHaveLength(1);
    const sent = anthropicUp.requests[0] as RecordedRequest;
    expect(sent.url).toBe('/v1/messages/count_tokens');
    expect(sent.json).toEqual({ model: 'claude-3-5-sonnet-20241022', ...conversation });
    expect(sent.headers['anthropic-beta']).toBe('token-counting-2024-11-01');
    // The client's version, not the provider's configured one: the count is of the client's request.
    expect(sent.headers['anthropic-version']).toBe('2023-01-01');
    // The gateway's key never reaches the provider; the provider's key is the operator's.
    expect(sent.headers['x-api-key']).toBe(mockAnthropicKey);
    expect(data).toEqual({ input_tokens: mockAnthropicCount(sent.json as Json) });
    expect(response.headers.get('x-switchyard-token-count')).toBeNull();
  });

  test('also under /anthropic/v1 with ?beta=true, as Claude-style clients call it', async () => {
    const viaPrefix = new Anthropic({ baseURL: `${gw.url}/anthropic`, apiKey: master, maxRetries: 0 });
    const data = await viaPrefix.beta.messages.countTokens({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'hello there' }] });
    const sent = anthropicUp.requests[0] as RecordedRequest;
    expect(sent.url).toBe('/v1/messages/count_tokens');
    expect(data.input_tokens).toBe(mockAnthropicCount(sent.json as Json));
  });

  test("Anthropic's 400 for a body it refuses reaches the client in Anthropic's envelope, as the SDK's BadRequestError", async () => {
    const bad = client.messages.countTokens({ model: 'claude-sonnet', messages: [{ role: 'assistant', content: 'I go first' }] });
    await expect(bad).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(client.messages.countTokens({ model: 'claude-sonnet', messages: [{ role: 'assistant', content: 'I go first' }] })).rejects.toMatchObject({
      status: 400,
      error: { type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('first message must use the "user" role') } },
    });
  });

  test('a Gemini deployment counts exactly with countTokens: system prompt, tools and the tool round trip in a generateContentRequest', async () => {
    const { data, response } = await client.messages.countTokens({ model: 'gemini-flash', ...conversation }).withResponse();
    expect(geminiUp.requests).toHaveLength(1);
    const sent = geminiUp.requests[0] as RecordedRequest;
    expect(sent.url).toBe('/v1beta/models/gemini-2.0-flash:countTokens');
    expect(sent.headers['x-goog-api-key']).toBe(mockGeminiKey);
    const request = (sent.json as { generateContentRequest: Json }).generateContentRequest;
    expect(Object.keys(sent.json as Json)).toEqual(['generateContentRequest']);
    expect(request.model).toBe('models/gemini-2.0-flash');
    expect(request.systemInstruction).toEqual({ parts: [{ text: conversation.system }] });
    expect(request.tools).toEqual([{ functionDeclarations: [expect.objectContaining({ name: 'get_weather' })] }]);
    expect((request.contents as Json[]).map((c) => c.role)).toEqual(['user', 'model', 'user']);
    expect(request.generationConfig).toBeUndefined();
    const { model: _model, ...counted } = request;
    expect(data).toEqual({ input_tokens: mockGeminiCount(counted) });
    expect(response.headers.get('x-switchyard-token-count')).toBeNull();
  });

  test('an OpenAI-wire deployment is estimated locally, flagged by x-switchyard-token-count: estimated; no upstream call', async () => {
    const body = { model: 'gpt-model', ...conversation };
    const { data, response } = await client.messages.countTokens(body).withResponse();
    expect(response.headers.get('x-switchyard-token-count')).toBe('estimated');
    expect(data).toEqual({ input_tokens: await countPromptTokens(countBodyToChat(body)) });
    expect(openaiUp.requests).toHaveLength(0);
  });

  test('an upstream failure falls back to the next deployment like any call (Anthropic 529 → Gemini counts)', async () => {
    anthropicUp.override((_req, res) => anthropicError(res, 529, 'overloaded_error', 'Overloaded'), 1);
    const { data, response } = await client.messages.countTokens({ model: 'claude-then-gemini', messages: [{ role: 'user', content: 'count me' }] }).withResponse();
    expect(anthropicUp.requests).toHaveLength(1);
    expect(geminiUp.requests).toHaveLength(1);
    expect(response.headers.get('x-switchyard-provider')).toBe('gemini');
    const { model: _model, ...counted } = (geminiUp.requests[0]?.json as { generateContentRequest: Json }).generateContentRequest;
    expect(data.input_tokens).toBe(mockGeminiCount(counted));
  });

  test("an upstream failure with no deployment left is Anthropic's error envelope (overloaded_error)", async () => {
    anthropicUp.override((_req, res) => anthropicError(res, 529, 'overloaded_error', 'Overloaded'), 1);
    const res = await fetch(`${gw.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'x-api-key': master, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('overloaded_error');
    expect(JSON.stringify(body)).not.toContain(mockAnthropicKey);
  });

  test("bad input and unknown models are 400/404 in Anthropic's envelope, without an upstream call", async () => {
    const post = (body: unknown): Promise<Response> =>
      fetch(`${gw.url}/v1/messages/count_tokens?beta=true`, { method: 'POST', headers: { 'x-api-key': master, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const noMessages = await post({ model: 'claude-sonnet' });
    expect(noMessages.status).toBe(400);
    expect(await noMessages.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const unknown = await post({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const noKey = await fetch(`${gw.url}/v1/messages/count_tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(anthropicUp.requests).toHaveLength(0);
  });
});

describe('count_tokens and limits: rpm counts, tpm and spend do not', () => {
  async function generate(fields: Json): Promise<string> {
    const res = await fetch(`${gw.url}/key/generate`, { method: 'POST', headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' }, body: JSON.stringify(fields) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { key: string }).key;
  }

  test('a key with rpm 3 and tpm 20: three large counts pass and leave tpm whole, the fourth is a 429 rate_limit_error', async () => {
    const key = await generate({ key_alias: 'counter', rpm_limit: 3, tpm_limit: 20 });
    const keyed = new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
    // Far more than 20 tokens: a tpm reservation of this prompt would be refused.
    const long = { model: 'gpt-model', messages: [{ role: 'user' as const, content: 'many words '.repeat(200) }] };
    for (let i = 0; i < 3; i++) {
      const { data, response } = await keyed.messages.countTokens(long).withResponse();
      expect(data.input_tokens).toBeGreaterThan(20);
      expect(response.headers.get('x-ratelimit-remaining-requests')).toBe(String(2 - i));
      expect(response.headers.get('x-ratelimit-remaining-tokens')).toBe('20');
    }
    const refused = keyed.messages.countTokens(long);
    await expect(refused).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    await expect(keyed.messages.countTokens(long)).rejects.toMatchObject({ status: 429, error: { type: 'error', error: { type: 'rate_limit_error' } } });
  });

  test('a key over its budget still counts tokens (a count costs nothing) while its messages are refused with 402', async () => {
    const key = await generate({ key_alias: 'spent', max_budget: 0.000001 });
    const keyed = new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
    // The message that crosses the budget completes; the next one is refused.
    await keyed.messages.create({ model: 'claude-sonnet', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
    let refused: unknown;
    for (let i = 0; i < 50 && refused === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      refused = await keyed.messages.create({ model: 'claude-sonnet', max_tokens: 20, messages: [{ role: 'user', content: 'again' }] }).then(() => undefined, (err: unknown) => err);
    }
    expect(refused).toMatchObject({ status: 402 });
    const counted = await keyed.messages.countTokens({ model: 'gpt-model', messages: [{ role: 'user', content: 'how many tokens?' }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });

  test('count calls write no spend row: after counts and one message, the key has exactly the message row', async () => {
    const key = await generate({ key_alias: 'spender' });
    const keyed = new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
    await keyed.messages.countTokens({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'hi' }] });
    await keyed.messages.countTokens({ model: 'gemini-flash', messages: [{ role: 'user', content: 'hi' }] });
    await keyed.messages.countTokens({ model: 'gpt-model', messages: [{ role: 'user', content: 'hi' }] });
    await keyed.messages.create({ model: 'claude-sonnet', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
    let rows: { call_type: string; spend: number }[] = [];
    // Spend rows land in batches: poll until the message's row is there.
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const res = await fetch(`${gw.url}/spend/logs/v2?key_alias=spender`, { headers: { authorization: `Bearer ${master}` } });
      rows = ((await res.json()) as { data: typeof rows }).data;
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]?.spend).toBeGreaterThan(0);
  });
});
