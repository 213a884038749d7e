import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import inboundMessages from '../../plugins/inbound/messages/index.ts';
import requestLog from '../../plugins/log/pino/index.ts';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import { faults, type MockServer, type RecordedRequest } from '../helpers/mock-upstream/server.ts';

const key = 'sy-test-master-key-messages';
let upstream: MockServer;
let gw: RunningGateway;
let client: Anthropic;
type Json = Record<string, unknown>;

beforeAll(async () => {
  upstream = await startMockOpenAI({ chunkSize: 3 });
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }),
        masterKey({ key }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1 }),
        requestLog({}),
        inboundMessages(),
      ],
      models: [{ name: 'claude-3-5-sonnet', deployments: [{ provider: 'openai', model: 'gpt-4o' }], maxAttempts: 1 }],
    }),
  );
  client = new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
});

afterAll(async () => {
  await gw.close(1000);
  await upstream.close();
});

beforeEach(() => upstream.reset());

const weatherTool = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

describe("Anthropic's Messages API over an OpenAI deployment, through the official @anthropic-ai/sdk", () => {
  test('non-stream: a claude-* name mapped to gpt-4o answers a Message; the upstream got a chat request', async () => {
    const { data, response } = await client.messages
      .create({ model: 'claude-3-5-sonnet', max_tokens: 100, system: 'be brief', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.role).toBe('assistant');
    expect(data.model).toBe('claude-3-5-sonnet');
    expect(data.content).toEqual([{ type: 'text', text: 'echo: hello' }]);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-provider')).toBe('openai');
    const sent = (upstream.requests[0] as RecordedRequest).json as Json;
    expect(upstream.requests[0]?.url).toBe('/v1/chat/completions');
    expect(sent.model).toBe('gpt-4o');
    expect(sent.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hello' },
    ]);
    expect(sent.max_tokens).toBe(100);
  });

  test('stream with a tool: the SDK rebuilds the tool input exactly; a tool_result round trip reaches the upstream', async () => {
    const stream = client.messages.stream({
      model: 'claude-3-5-sonnet',
      max_tokens: 100,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'weather in Paris?' }],
    });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    const toolUse = message.content.find((b) => b.type === 'tool_use');
    expect(toolUse).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });
    expect((upstream.requests[0]?.json as Json).stream_options).toEqual({ include_usage: true });

    upstream.reset();
    const second = await client.messages.create({
      model: 'claude-3-5-sonnet',
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        { role: 'assistant', content: message.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: (toolUse as { id: string }).id, content: 'sunny' }] },
      ],
    });
    expect(second.content[0]).toMatchObject({ type: 'text', text: 'tool result: sunny' });
    const sent = upstream.requests[0]?.json as { messages: Json[] };
    expect(sent.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: (toolUse as { id: string }).id, content: 'sunny' });
  });

  test('stream text: every event is named and the text arrives whole', async () => {
    const stream = client.messages.stream({ model: 'claude-3-5-sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'a longer sentence to split' }] });
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const message = await stream.finalMessage();
    expect(texts.join('')).toBe('echo: a longer sentence to split');
    expect(texts.length).toBeGreaterThan(3);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  test("errors use Anthropic's envelope: bad key 401, unknown model 404, bad body 400 with the field, upstream 500 → 502", async () => {
    const bad = new Anthropic({ baseURL: gw.url, apiKey: 'wrong', maxRetries: 0 });
    await expect(bad.messages.create({ model: 'claude-3-5-sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 401,
      error: { type: 'error', error: { type: 'authentication_error' } },
    });
    await expect(client.messages.create({ model: 'nope-model', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 404,
      error: { type: 'error', error: { type: 'not_found_error' } },
    });
    const raw = await fetch(`${gw.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-3-5-sonnet', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(raw.status).toBe(400);
    const body = (await raw.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('max_tokens');
    expect(raw.headers.get('x-request-id')).toBeTruthy();

    upstream.override(faults.status(500, { error: { message: 'boom', type: 'server_error' } }));
    await expect(client.messages.create({ model: 'claude-3-5-sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 502,
      error: { type: 'error', error: { type: 'api_error' } },
    });
  });

  test('the /anthropic prefix and count_tokens (estimated, flagged by header)', async () => {
    const viaPrefix = new Anthropic({ baseURL: `${gw.url}/anthropic`, apiKey: key, maxRetries: 0 });
    const message = await viaPrefix.messages.create({ model: 'claude-3-5-sonnet', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'echo: hi' });
    const { data, response } = await client.messages
      .countTokens({ model: 'claude-3-5-sonnet', messages: [{ role: 'user', content: 'count these words please' }] })
      .withResponse();
    expect(data.input_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-token-count')).toBe('estimated');
  });

  test('/openapi.json lists the Messages routes', async () => {
    const doc = (await (await fetch(`${gw.url}/openapi.json`)).json()) as { paths: Record<string, Json> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/messages', '/v1/messages/count_tokens']));
  });
});
