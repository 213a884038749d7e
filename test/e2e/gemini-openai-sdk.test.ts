import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import { providersFromEnv } from '../../plugins/presets/providers-from-env.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { googleError, mockGeminiKey, startMockGemini } from '../helpers/mock-upstream/gemini.ts';
import { mockVector } from '../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../helpers/mock-upstream/server.ts';

const key = 'sy-test-master-key';
const badKey = 'AIzaSyWrongGatewayKey-abcdefghijklmnop';
let upstream: MockServer;
let gw: RunningGateway;
let client: OpenAI;

type Json = Record<string, unknown>;
const lastBody = (): Json => upstream.requests.at(-1)?.json as Json;

beforeAll(async () => {
  upstream = await startMockGemini();
  gw = await startTestGateway(
    defineConfig({
      // Enabled the way the default preset does it: from GEMINI_API_KEY / GEMINI_BASE_URL.
      plugins: [...providersFromEnv({ GEMINI_API_KEY: mockGeminiKey, GEMINI_BASE_URL: upstream.url }), masterKey({ key }), modelRouting({}), orderedFallback({ retryDelayMs: 1 })],
      models: [{ name: 'gem-bad-key', deployments: [{ provider: 'gemini', model: 'gemini-2.0-flash', apiKey: badKey }], maxAttempts: 1 }],
    }),
  );
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
});

afterAll(async () => {
  await gw.close(1000);
  await upstream.close();
});

beforeEach(() => upstream.reset());

const tools: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } } },
];

describe('Gemini chat through the official openai SDK', () => {
  test('non-stream: bare gemini-* name routes to Gemini; system → systemInstruction; key in x-goog-api-key', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gemini-2.0-flash', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello' }], temperature: 0.3, max_tokens: 50 })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: hello');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.object).toBe('chat.completion');
    expect(data.usage?.total_tokens).toBe((data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0));
    expect(response.headers.get('x-switchyard-provider')).toBe('gemini');
    const sent = upstream.requests[0];
    expect(sent?.url).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
    expect(sent?.headers['x-goog-api-key']).toBe(mockGeminiKey);
    expect(sent?.headers.authorization).toBeUndefined();
    expect(lastBody()).toMatchObject({ systemInstruction: { parts: [{ text: 'be brief' }] }, generationConfig: { temperature: 0.3, maxOutputTokens: 50 } });
  });

  test('stream with include_usage: text deltas, then a usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gemini/gemini-2.0-flash',
      messages: [{ role: 'user', content: 'stream me please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('echo: stream me please');
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(upstream.requests[0]?.url).toBe('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse');
  });

  test('tools: a call, then its result in history as a functionResponse named after the call', async () => {
    const first = await client.chat.completions.create({ model: 'gemini-2.0-flash', tools, messages: [{ role: 'user', content: 'weather in Paris?' }] });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && [call.function.name, JSON.parse(call.function.arguments)]).toEqual(['get_weather', { city: 'Paris' }]);
    const second = await client.chat.completions.create({
      model: 'gemini-2.0-flash',
      tools,
      messages: [{ role: 'user', content: 'weather in Paris?' }, first.choices[0]!.message, { role: 'tool', tool_call_id: call!.id, content: 'sunny' }],
    });
    expect(second.choices[0]?.message.content).toBe('tool result: {"output":"sunny"}');
    expect((lastBody().contents as Json[])[2]).toEqual({ role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { output: 'sunny' } } }] });
  });

  test('streamed parallel tool calls assemble with the SDK helper; indexes 0 and 1, distinct ids', async () => {
    const runner = client.chat.completions.stream({ model: 'gemini-2.0-flash', tools, tool_choice: 'required', messages: [{ role: 'user', content: 'parallel please' }] });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((c) => c.type === 'function' && JSON.parse(c.function.arguments))).toEqual([{ city: 'Paris' }, { city: 'Tokyo' }]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(lastBody().toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
  });

  test('a tool without parameters is called with "{}" arguments', async () => {
    const res = await client.chat.completions.create({
      model: 'gemini-2.0-flash',
      tools: [{ type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } }],
      tool_choice: { type: 'function', function: { name: 'now' } },
      messages: [{ role: 'user', content: 'what time is it' }],
    });
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.arguments).toBe('{}');
  });

  test('JSON mode and n=2 (candidateCount)', async () => {
    const res = await client.chat.completions.create({ model: 'gemini-2.0-flash', n: 2, response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'answer in JSON' }] });
    expect(res.choices.map((c) => c.index)).toEqual([0, 1]);
    expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ echo: 'echo: answer in JSON' });
    expect(lastBody().generationConfig).toEqual({ candidateCount: 2, responseMimeType: 'application/json' });
  });

  test('json_schema → responseSchema; n=2 streamed keeps each choice on its index', async () => {
    const schema = { type: 'object', properties: { echo: { type: 'string' } }, required: ['echo'], additionalProperties: false };
    const res = await client.chat.completions.create({ model: 'gemini-2.0-flash', response_format: { type: 'json_schema', json_schema: { name: 'e', schema, strict: true } }, messages: [{ role: 'user', content: 'x' }] });
    expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ echo: 'echo: x' });
    const stream = await client.chat.completions.create({ model: 'gemini-2.0-flash', n: 2, stream: true, messages: [{ role: 'user', content: 'twice' }] });
    const texts = ['', ''];
    for await (const chunk of stream) for (const c of chunk.choices) texts[c.index] += c.delta.content ?? '';
    expect(texts).toEqual(['echo: twice', 'echo: twice (1)']);
  });

  test('vision: data: URL inline, http URL by reference', async () => {
    const res = await client.chat.completions.create({
      model: 'gemini-2.0-flash',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'describe' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(res.choices[0]?.message.content).toBe('echo: describe [image/png] [image/jpeg]');
  });

  test('reasoning_effort → thinkingConfig; thoughts come back as reasoning_content', async () => {
    const res = await client.chat.completions.create({ model: 'gemini-2.5-pro', reasoning_effort: 'medium', messages: [{ role: 'user', content: 'think' }] });
    const message = res.choices[0]?.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.reasoning_content).toBe('thinking about it');
    expect(res.usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
  });

  test('a blocked prompt ends with finish_reason content_filter', async () => {
    const res = await client.chat.completions.create({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'something blocked' }] });
    expect(res.choices[0]?.finish_reason).toBe('content_filter');
  });

  test('unicode split across network reads arrives whole', async () => {
    const event = `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'héllo 👋🏽 日本' }] }, finishReason: 'STOP' }] })}\r\n\r\n`;
    const bytes = Buffer.from(event);
    const cut = bytes.indexOf(Buffer.from('👋')) + 2; // inside the emoji's four bytes
    upstream.override(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(bytes.subarray(0, cut));
      await new Promise((r) => setTimeout(r, 20));
      res.end(bytes.subarray(cut));
    });
    const stream = await client.chat.completions.create({ model: 'gemini-2.0-flash', stream: true, messages: [{ role: 'user', content: 'x' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('héllo 👋🏽 日本');
  });
});

describe('Gemini embeddings and models', () => {
  test("the SDK's default base64 decodes to the upstream vectors; one input uses embedContent", async () => {
    const res = await client.embeddings.create({ model: 'text-embedding-004', input: 'a' });
    expect(res.data[0]?.embedding).toHaveLength(8);
    expect(res.data[0]?.embedding[3]).toBeCloseTo(mockVector('a')[3]!, 5);
    expect(upstream.requests[0]?.url).toBe('/v1beta/models/text-embedding-004:embedContent');
    const floats = await client.embeddings.create({ model: 'gemini/gemini-embedding-001', input: ['c'], encoding_format: 'float', dimensions: 4 });
    expect(floats.data[0]?.embedding).toEqual(mockVector('c', 4));
    expect(lastBody()).toEqual({ requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'c' }] }, outputDimensionality: 4 }] });
  });

  test('250 inputs go as three batches of at most 100, merged in order', async () => {
    const inputs = Array.from({ length: 250 }, (_, i) => `text ${i}`);
    const res = await client.embeddings.create({ model: 'text-embedding-004', input: inputs, encoding_format: 'float' });
    expect(res.data.map((d) => d.index)).toEqual(inputs.map((_, i) => i));
    expect(res.data[249]?.embedding).toEqual(mockVector('text 249'));
    expect(upstream.requests.map((r) => ((r.json as { requests: unknown[] }).requests).length)).toEqual([100, 100, 50]);
    expect(upstream.requests.every((r) => r.url.endsWith(':batchEmbedContents'))).toBe(true);
  });

  test('the model list carries Gemini models without their models/ prefix', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(['gemini/gemini-2.0-flash', 'gemini/text-embedding-004']));
  });
});

describe('Gemini errors in the OpenAI envelope', () => {
  test('RESOURCE_EXHAUSTED → 429 with Retry-After from RetryInfo', async () => {
    upstream.override(
      (_req, res) =>
        googleError(res, 429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details.', [
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '17s' },
        ]),
      5,
    );
    const err = (await client.chat.completions.create({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as APIError;
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.headers?.get('retry-after')).toBe('17');
    expect(err.message).toContain('You exceeded your current quota');
  });

  test('a prompt over the window → 400 context_length_exceeded; UNAVAILABLE → 503', async () => {
    upstream.override((_req, res) => googleError(res, 400, 'INVALID_ARGUMENT', 'The input token count (2000000) exceeds the maximum number of tokens allowed (1048576).'));
    await expect(client.chat.completions.create({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 400, code: 'context_length_exceeded' });
    upstream.override((_req, res) => googleError(res, 503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'), 5);
    await expect(client.chat.completions.create({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 503 });
  });

  test("a bad gateway key is a 502 that never echoes the key; the strict mock's 400s are relayed", async () => {
    const err = (await client.chat.completions.create({ model: 'gem-bad-key', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(502);
    expect(JSON.stringify(err.error)).not.toContain(badKey);
    expect(upstream.requests[0]?.headers['x-goog-api-key']).toBe(badKey);
  });

  test('an unsupported param is a 400 naming it and the provider', async () => {
    await expect(client.chat.completions.create({ model: 'gemini-2.0-flash', logit_bias: { '1': 5 }, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 400, param: 'logit_bias' });
    expect(upstream.requests).toHaveLength(0);
  });

  test('an error event mid-stream reaches the SDK as an error after the first text', async () => {
    upstream.override((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'partial' }] } }] })}\r\n\r\n`);
      res.end(`data: ${JSON.stringify({ error: { code: 500, status: 'INTERNAL', message: 'An internal error has occurred.' } })}\r\n\r\n`);
    });
    const stream = await client.chat.completions.create({ model: 'gemini-2.0-flash', stream: true, messages: [{ role: 'user', content: 'x' }] });
    let text = '';
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe('partial');
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).message).toContain('An internal error has occurred.');
  });
});
