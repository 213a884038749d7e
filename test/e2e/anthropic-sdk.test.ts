import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import { providersFromEnv } from '../../plugins/presets/providers-from-env.ts';
import anthropic from '../../plugins/providers/anthropic/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { anthropicHandler, mockAnthropicKey, startMockAnthropic } from '../helpers/mock-upstream/anthropic.ts';
import { faults, type MockServer, type RecordedRequest } from '../helpers/mock-upstream/server.ts';

const key = 'sy-test-master-key';
const model = 'claude-3-5-sonnet-20241022';
const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
let upstream: MockServer;
let gw: RunningGateway;
let client: OpenAI;

type Json = Record<string, unknown>;
const sent = (i = 0): Json => (upstream.requests[i] as RecordedRequest).json as Json;
const anthropicError = (status: number, type: string, message: string, headers: Record<string, string> = {}) =>
  faults.status(status, { type: 'error', error: { type, message } }, headers);

beforeAll(async () => {
  upstream = await startMockAnthropic();
  gw = await startTestGateway(
    defineConfig({
      plugins: [anthropic({ apiKey: mockAnthropicKey, baseURL: upstream.url }), masterKey({ key }), modelRouting({}), orderedFallback({ retryDelayMs: 1 })],
      models: [
        { name: 'claude-once', deployments: [{ provider: 'anthropic', model }], maxAttempts: 1 },
        { name: 'claude-lenient', deployments: [{ provider: 'anthropic', model, dropUnsupportedParams: true }] },
      ],
    }),
  );
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
});

afterAll(async () => {
  await gw.close(1000);
  await upstream.close();
});

beforeEach(() => upstream.reset());

describe('Anthropic through the official OpenAI SDK: chat', () => {
  test('non-stream: system prompt, headers, default max_tokens; bare claude-* names route to Anthropic', async () => {
    const { data, response } = await client.chat.completions
      .create({ model, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: hello');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.object).toBe('chat.completion');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-provider')).toBe('anthropic');
    const req = upstream.requests[0] as RecordedRequest;
    expect(req.url).toBe('/v1/messages');
    expect(req.headers['x-api-key']).toBe(mockAnthropicKey);
    expect(req.headers['anthropic-version']).toBe('2023-06-01');
    expect(req.headers.authorization).toBeUndefined();
    expect(sent()).toMatchObject({ system: 'be brief', max_tokens: 4096, messages: [{ role: 'user', content: 'hello' }] });
  });

  test('stream with include_usage ends with a usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: `anthropic/${model}`,
      messages: [{ role: 'user', content: 'stream me please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('echo: stream me please');
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(sent().stream).toBe(true);
  });

  test('unicode split across upstream writes arrives whole', async () => {
    upstream.override(anthropicHandler({ byteChunk: 1, text: 'Grüße, 世界 👋🏽!' }));
    const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Grüße, 世界 👋🏽!');
  });

  test('stop, max_tokens and user are translated; finish_reason length', async () => {
    const res = await client.chat.completions.create({ model, max_tokens: 2, stop: ['zzz'], user: 'user-42', messages: [{ role: 'user', content: 'a long question here' }] });
    expect(res.choices[0]?.finish_reason).toBe('length');
    expect(sent()).toMatchObject({ max_tokens: 2, stop_sequences: ['zzz'], metadata: { user_id: 'user-42' } });
  });

  test('vision: a data: URL and an http URL image', async () => {
    const res = await client.chat.completions.create({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'compare' },
            { type: 'image_url', image_url: { url: png } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(res.choices[0]?.message.content).toBe('echo: compare [image:base64 image/png] [image:url https://example.com/cat.jpg]');
  });

  test('reasoning_effort → thinking; reasoning_content on the message', async () => {
    const res = await client.chat.completions.create({ model, reasoning_effort: 'low', messages: [{ role: 'user', content: 'think' }] });
    const message = res.choices[0]?.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.reasoning_content).toBe('Thinking about: think');
    expect(message.content).toBe('echo: think');
    expect(sent().thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
  });

  test('cache_control passes through; cache reads count as cached prompt tokens', async () => {
    const part = { type: 'text', text: 'a long shared context', cache_control: { type: 'ephemeral' } } as OpenAI.ChatCompletionContentPartText;
    const res = await client.chat.completions.create({ model, messages: [{ role: 'system', content: [part] }, { role: 'user', content: 'q' }] });
    expect(sent().system).toEqual([{ type: 'text', text: 'a long shared context', cache_control: { type: 'ephemeral' } }]);
    expect(res.usage?.prompt_tokens_details?.cached_tokens).toBe(100);
    expect(res.usage?.prompt_tokens).toBeGreaterThan(100);
  });

  test('n=2: two parallel calls merged into indexed choices, in a stream too', async () => {
    const res = await client.chat.completions.create({ model, n: 2, messages: [{ role: 'user', content: 'twice' }] });
    expect(res.choices.map((c) => [c.index, c.message.content])).toEqual([
      [0, 'echo: twice'],
      [1, 'echo: twice'],
    ]);
    expect(upstream.requests).toHaveLength(2);
    const stream = await client.chat.completions.create({ model, n: 2, stream: true, messages: [{ role: 'user', content: 'twice' }] });
    const texts = ['', ''];
    for await (const chunk of stream) for (const c of chunk.choices) texts[c.index] += c.delta.content ?? '';
    expect(texts).toEqual(['echo: twice', 'echo: twice']);
  });
});

describe('Anthropic through the official OpenAI SDK: tools and JSON', () => {
  const tools: OpenAI.ChatCompletionTool[] = [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    { type: 'function', function: { name: 'get_time' } },
  ];

  test('a tool call, then the tool result in history (tool_use / tool_result round trip)', async () => {
    const first = await client.chat.completions.create({ model, tools, messages: [{ role: 'user', content: 'weather in Paris?' }] });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && [call.function.name, JSON.parse(call.function.arguments)]).toEqual(['get_weather', { city: 'Paris' }]);
    const second = await client.chat.completions.create({
      model,
      tools,
      messages: [{ role: 'user', content: 'weather in Paris?' }, first.choices[0]!.message, { role: 'tool', tool_call_id: call!.id, content: 'sunny' }],
    });
    expect(second.choices[0]?.message.content).toBe('tool result: sunny');
    expect((sent(1).messages as Json[])[2]).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: call!.id, content: 'sunny' }] });
  });

  test('streamed tool-call deltas assemble with the SDK helper; a call without arguments is "{}"', async () => {
    const runner = client.chat.completions.stream({ model, tools, tool_choice: 'required', messages: [{ role: 'user', content: 'weather?' }] });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(call?.id).toBe('toolu_mock_get_weather');
    expect(sent().tool_choice).toEqual({ type: 'any' });
    const named = await client.chat.completions
      .stream({ model, tools, tool_choice: { type: 'function', function: { name: 'get_time' } }, messages: [{ role: 'user', content: 'time?' }] })
      .finalChatCompletion();
    const noArgs = named.choices[0]?.message.tool_calls?.[0];
    expect(noArgs?.type === 'function' && [noArgs.function.name, noArgs.function.arguments]).toEqual(['get_time', '{}']);
  });

  test('JSON mode: json_object and json_schema answers arrive as message content', async () => {
    const obj = await client.chat.completions.create({ model, response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'answer in JSON' }] });
    expect(JSON.parse(obj.choices[0]!.message.content!)).toEqual({ echo: 'echo: answer in JSON' });
    expect(obj.choices[0]?.finish_reason).toBe('stop');
    expect(obj.choices[0]?.message.tool_calls).toBeUndefined();
    const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] };
    const typed = await client.chat.completions.create({
      model,
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema } },
      messages: [{ role: 'user', content: 'who?' }],
    });
    expect(JSON.parse(typed.choices[0]!.message.content!)).toEqual({ name: 'echo: who?', age: 42 });
  });

  test('JSON mode in a stream, with n=2', async () => {
    const stream = await client.chat.completions.create({ model, n: 2, stream: true, response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'json please' }] });
    const texts = ['', ''];
    for await (const chunk of stream) for (const c of chunk.choices) texts[c.index] += c.delta.content ?? '';
    expect(texts.map((t) => JSON.parse(t))).toEqual([{ echo: 'echo: json please' }, { echo: 'echo: json please' }]);
  });
});

describe('Anthropic through the official OpenAI SDK: errors', () => {
  test('a param Anthropic cannot honour is a 400 naming it; a lenient deployment drops it', async () => {
    await expect(client.chat.completions.create({ model, seed: 7, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 400,
      param: 'seed',
      code: 'unsupported_parameter',
    });
    expect(upstream.requests).toHaveLength(0);
    const ok = await client.chat.completions.create({ model: 'claude-lenient', seed: 7, presence_penalty: 0.5, messages: [{ role: 'user', content: 'x' }] });
    expect(ok.choices[0]?.message.content).toBe('echo: x');
    expect(sent().seed).toBeUndefined();
  });

  test('rate_limit_error → 429 with Retry-After; overloaded (529) → 503', async () => {
    upstream.override(anthropicError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { 'retry-after': '12' }));
    const limited = (await client.chat.completions.create({ model: 'claude-once', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as APIError;
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited.headers?.get('retry-after')).toBe('12');
    upstream.override(anthropicError(529, 'overloaded_error', 'Overloaded'));
    const overloaded = (await client.chat.completions.create({ model: 'claude-once', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as APIError;
    expect(overloaded.status).toBe(503);
    expect(overloaded.message).toContain('Overloaded');
  });

  test('an overloaded answer is retried, then succeeds', async () => {
    upstream.override(anthropicError(529, 'overloaded_error', 'Overloaded'));
    const { data, response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'retry' }] }).withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: retry');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
  });

  test('"prompt is too long" → 400 context_length_exceeded', async () => {
    upstream.override(anthropicError(400, 'invalid_request_error', 'prompt is too long: 208310 tokens > 200000 maximum'));
    await expect(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
      message: expect.stringContaining('prompt is too long'),
    });
  });

  test('the strict upstream rejection is relayed (a tool result without its tool call)', async () => {
    const err = (await client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'ok' }, { role: 'tool', tool_call_id: 'toolu_x', content: 'r' }] })
      .catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(400);
    expect(err.message).toContain('unexpected `tool_use_id`');
  });

  test('an error event mid-stream ends the stream with an error after the partial text', async () => {
    upstream.override(anthropicHandler({ errorAfterDeltas: { deltas: 2, type: 'overloaded_error', message: 'Overloaded' } }));
    const stream = await client.chat.completions.create({ model: 'claude-once', stream: true, messages: [{ role: 'user', content: 'long answer' }] });
    let text = '';
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).message).toContain('Overloaded');
    expect(text).toBe('echo: lo');
  });

  test('an error event before any content fails the call before the stream commits, so it is retried', async () => {
    const start = { type: 'message_start', message: { id: 'msg_x', type: 'message', role: 'assistant', content: [], model, stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } };
    upstream.override((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`event: message_start\ndata: ${JSON.stringify(start)}\n\nevent: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`);
    });
    const { data: stream, response } = await client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'again' }] }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: again');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
  });

  test('the upstream key is never echoed: a 401 becomes a 502 without it', async () => {
    upstream.override(anthropicError(401, 'authentication_error', `invalid x-api-key: ${mockAnthropicKey}`), 3);
    const err = (await client.chat.completions.create({ model: 'claude-once', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(502);
    expect(JSON.stringify(err.error)).not.toContain(mockAnthropicKey);
    expect(err.message).toContain('[redacted]');
  });
});

describe('Anthropic from the environment', () => {
  test('ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL enable the provider; its models are listed', async () => {
    const plugins = providersFromEnv({ ANTHROPIC_API_KEY: mockAnthropicKey, ANTHROPIC_BASE_URL: `${upstream.url}/v1/` });
    expect(plugins.map((p) => p.name)).toEqual(['provider-anthropic']);
    expect(providersFromEnv({ ANTHROPIC_BASE_URL: upstream.url })).toEqual([]);
    const envGw = await startTestGateway(defineConfig({ plugins: [...plugins, masterKey({ key }), modelRouting({})] }));
    try {
      const c = new OpenAI({ baseURL: `${envGw.url}/v1`, apiKey: key, maxRetries: 0 });
      const res = await c.chat.completions.create({ model: 'claude-3-5-haiku-20241022', messages: [{ role: 'user', content: 'from env' }] });
      expect(res.choices[0]?.message.content).toBe('echo: from env');
      const ids: string[] = [];
      for await (const m of c.models.list()) ids.push(m.id);
      expect(ids).toEqual(expect.arrayContaining([`anthropic/${model}`]));
    } finally {
      await envGw.close(1000);
    }
  });
});
