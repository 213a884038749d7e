import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import requestLog from '../../plugins/log/pino/index.ts';
import cohere from '../../plugins/providers/cohere/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockCohereKey, mockCohereVector, startMockCohere } from '../helpers/mock-upstream/cohere.ts';
import { faults, type MockServer } from '../helpers/mock-upstream/server.ts';

/** The OpenAI SDK, unchanged, against a Cohere model behind the gateway. */
const key = 'sy-test-master-key';
const model = 'command-r-plus-08-2024';
let upstream: MockServer;
let gw: RunningGateway;
let client: OpenAI;

type Json = Record<string, unknown>;
const sent = (i = 0): Json => upstream.requests[i]?.json as Json;

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

beforeAll(async () => {
  upstream = await startMockCohere();
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        cohere({ apiKey: mockCohereKey, baseURL: upstream.url }),
        masterKey({ key }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1, maxRetryDelayMs: 10 }),
        // The log stage makes the gateway assemble every stream, Azure's filter chunks included.
        requestLog({}),
      ],
      models: [
        { name: 'search-embed', deployments: [{ provider: 'cohere', model: 'embed-v4.0', options: { inputType: 'search_query' } }] },
        { name: 'lenient', deployments: [{ provider: 'cohere', model, dropUnsupportedParams: true }] },
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

describe('cohere chat through the official SDK', () => {
  test('non-stream: params translated, answer and usage back, gateway headers set', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model,
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'developer', content: 'and kind' },
          { role: 'user', content: 'hello' },
        ],
        temperature: 0.2,
        top_p: 0.9,
        max_tokens: 100,
        stop: 'END',
        seed: 7,
        frequency_penalty: 0,
      })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content).toBe('echo: hello');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.total_tokens).toBe((data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0));
    expect(response.headers.get('x-switchyard-provider')).toBe('cohere');
    expect(upstream.requests[0]?.url).toBe('/v2/chat');
    expect(upstream.requests[0]?.headers.authorization).toBe(`Bearer ${mockCohereKey}`);
    expect(sent()).toEqual({
      model,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'system', content: 'and kind' },
        { role: 'user', content: 'hello' },
      ],
      temperature: 0.2,
      p: 0.9,
      max_tokens: 100,
      stop_sequences: ['END'],
      seed: 7,
      frequency_penalty: 0,
    });
  });

  test('stream with include_usage: content assembles, finish_reason stop, one usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: `cohere/${model}`,
      messages: [{ role: 'user', content: 'stream me please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null | undefined;
    const usages: OpenAI.CompletionUsage[] = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) usages.push(chunk.usage);
    }
    expect(text).toBe('echo: stream me please');
    expect(finish).toBe('stop');
    expect(usages).toHaveLength(1);
    expect(sent().stream).toBe(true);
  });

  test('max_tokens hit → finish_reason length', async () => {
    const res = await client.chat.completions.create({ model, max_completion_tokens: 2, messages: [{ role: 'user', content: 'a fairly long question here' }] });
    expect(res.choices[0]?.finish_reason).toBe('length');
    expect(sent().max_tokens).toBe(2);
  });

  test('tools: a tool call, then the tool result in history', async () => {
    const first = await client.chat.completions.create({ model, tools: [weatherTool], messages: [{ role: 'user', content: 'weather in Paris?' }] });
    const message = first.choices[0]!.message;
    const call = message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(message.content).toBeNull();
    // Cohere's tool plan is the model's reasoning, not its answer.
    expect((message as { reasoning_content?: string }).reasoning_content).toBe('I will call get_weather.');
    const second = await client.chat.completions.create({
      model,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'weather in Paris?' }, message, { role: 'tool', tool_call_id: call!.id, content: 'sunny' }],
    });
    expect(second.choices[0]?.message.content).toBe('tool result: sunny');
    const history = sent(1).messages as Json[];
    expect(history[1]).toEqual({ role: 'assistant', tool_calls: [{ id: call!.id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] });
    expect(history[2]).toEqual({ role: 'tool', tool_call_id: call!.id, content: 'sunny' });
  });

  test('streamed tool calls assemble with the SDK helper; a call without arguments gets {}', async () => {
    const runner = client.chat.completions.stream({ model, tools: [weatherTool], tool_choice: 'required', messages: [{ role: 'user', content: 'x' }] });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(call?.id).toBe('get_weather_mock1');
    expect(sent().tool_choice).toBe('REQUIRED');

    const noArgs = await client.chat.completions
      .stream({ model, tools: [{ type: 'function', function: { name: 'now' } }], tool_choice: 'required', messages: [{ role: 'user', content: 'x' }] })
      .finalChatCompletion();
    const bare = noArgs.choices[0]?.message.tool_calls?.[0];
    expect(bare?.type === 'function' && bare.function.arguments).toBe('{}');
    // Cohere requires a parameters schema; a function declared without one takes none.
    expect(((sent(1).tools as Json[])[0]?.function as Json).parameters).toEqual({ type: 'object', properties: {} });
  });

  test('named tool_choice keeps only that tool and makes a call required', async () => {
    const other: OpenAI.ChatCompletionTool = { type: 'function', function: { name: 'other', parameters: { type: 'object' } } };
    const res = await client.chat.completions.create({
      model,
      tools: [other, weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      messages: [{ role: 'user', content: 'x' }],
    });
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect((sent().tools as Json[]).map((t) => (t.function as Json).name)).toEqual(['get_weather']);
  });

  test('JSON mode: json_object and json_schema', async () => {
    const obj = await client.chat.completions.create({ model, response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'json please' }] });
    expect(JSON.parse(obj.choices[0]!.message.content!)).toEqual({ echo: 'echo: json please' });
    expect(sent().response_format).toEqual({ type: 'json_object' });
    const schema = { type: 'object', properties: { echo: { type: 'string' } }, required: ['echo'] };
    const typed = await client.chat.completions.create({
      model,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } },
      messages: [{ role: 'user', content: 'typed' }],
    });
    expect(JSON.parse(typed.choices[0]!.message.content!)).toEqual({ echo: 'echo: typed' });
    expect(sent(1).response_format).toEqual({ type: 'json_object', json_schema: schema });
  });

  test('n=2 fans out into two calls, merged into indexed choices (stream too)', async () => {
    const res = await client.chat.completions.create({ model, n: 2, messages: [{ role: 'user', content: 'twice' }] });
    expect(res.choices.map((c) => c.index)).toEqual([0, 1]);
    expect(res.choices.every((c) => c.message.content === 'echo: twice')).toBe(true);
    expect(upstream.requests).toHaveLength(2);
    expect(sent().n).toBeUndefined();
    const stream = await client.chat.completions.create({ model, n: 2, stream: true, messages: [{ role: 'user', content: 'both' }] });
    const texts = ['', ''];
    for await (const chunk of stream) for (const c of chunk.choices) texts[c.index] += c.delta.content ?? '';
    expect(texts).toEqual(['echo: both', 'echo: both']);
  });

  test('vision: image_url parts go to a vision model; a text model rejects them upstream', async () => {
    const content: OpenAI.ChatCompletionContentPart[] = [
      { type: 'text', text: 'what is this?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
    ];
    const res = await client.chat.completions.create({ model: 'command-a-vision-07-2025', messages: [{ role: 'user', content }] });
    expect(res.choices[0]?.message.content).toBe('echo: what is this?[image]');
    expect((sent().messages as Json[])[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'what is this?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
      ],
    });
    await expect(client.chat.completions.create({ model, messages: [{ role: 'user', content }] })).rejects.toMatchObject({ status: 400 });
  });
});

describe('cohere embeddings and models', () => {
  test("SDK default (base64): the gateway encodes Cohere's floats; input_type and dimensions map", async () => {
    const res = await client.embeddings.create({ model: 'search-embed', input: ['a', 'b'], dimensions: 256 });
    expect(res.data.map((d) => d.index)).toEqual([0, 1]);
    expect(res.data[1]?.embedding).toEqual(mockCohereVector('b', 4));
    expect(sent()).toEqual({ model: 'embed-v4.0', texts: ['a', 'b'], input_type: 'search_query', embedding_types: ['float'], output_dimension: 256 });
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);
  });

  test('float format, default input_type, and more than 96 texts in order', async () => {
    const inputs = Array.from({ length: 100 }, (_, i) => `text ${i}`);
    const res = await client.embeddings.create({ model: 'embed-english-v3.0', input: inputs, encoding_format: 'float' });
    expect(upstream.requests).toHaveLength(2);
    expect((sent().texts as string[]).length).toBe(96);
    expect(sent().input_type).toBe('search_document');
    expect(res.data).toHaveLength(100);
    expect(res.data[99]?.index).toBe(99);
    expect(res.data[99]?.embedding).toEqual(mockCohereVector('text 99'));
  });

  test('models: the provider list appears as cohere/<name>', async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining([`cohere/${model}`, 'cohere/embed-v4.0', 'search-embed']));
  });
});

describe('cohere errors in the OpenAI envelope', () => {
  test('a prompt over the limit → 400 context_length_exceeded, message kept', async () => {
    const err = (await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'too long' }] }).catch((e: unknown) => e)) as APIError;
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.code).toBe('context_length_exceeded');
    expect(err.message).toContain('too many tokens');
  });

  test('429 → 429 with Retry-After', async () => {
    upstream.override(faults.status(429, { message: "You are using a Trial key, which is limited to 10 API calls / minute." }, { 'retry-after': '3' }), 5);
    const err = (await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(429);
    expect(err.headers?.get('retry-after')).toBe('3');
    expect(err.message).toContain('Trial key');
  });

  test("the gateway's rejected key → 502, never echoed", async () => {
    upstream.override(faults.status(401, { message: `invalid api token ${mockCohereKey}` }), 5);
    const err = (await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(502);
    expect(JSON.stringify(err.error)).not.toContain(mockCohereKey);
  });

  test('a param Cohere cannot honour → 400 naming it; dropped where the deployment allows', async () => {
    const err = (await client.chat.completions
      .create({ model, logit_bias: { '50256': -100 }, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(400);
    expect(err.param).toBe('logit_bias');
    expect(upstream.requests).toHaveLength(0);
    const ok = await client.chat.completions.create({ model: 'lenient', logit_bias: { '50256': -100 }, messages: [{ role: 'user', content: 'x' }] });
    expect(ok.choices[0]?.message.content).toBe('echo: x');
    expect(sent().logit_bias).toBeUndefined();
  });

  test('legacy completions are not offered by Cohere → 400 operation_not_supported', async () => {
    await expect(client.completions.create({ model, prompt: 'Say' })).rejects.toMatchObject({ status: 400, code: 'operation_not_supported' });
    expect(upstream.requests).toHaveLength(0);
  });

  test("top_p: 1, a default clients send, is answered (p left out: the strict mock, like Cohere, refuses p = 1)", async () => {
    const res = await client.chat.completions.create({ model, top_p: 1, messages: [{ role: 'user', content: 'x' }] });
    expect(res.choices[0]?.message.content).toBe('echo: x');
    expect(sent()).not.toHaveProperty('p');
    await client.chat.completions.create({ model, top_p: 0.999, messages: [{ role: 'user', content: 'y' }] });
    expect(sent(1)).toMatchObject({ p: 0.99 });
  });

  test('top_p outside OpenAI\'s own 0–1 → 400 naming top_p, no upstream call', async () => {
    await expect(client.chat.completions.create({ model, top_p: 1.5, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 400, param: 'top_p' });
    expect(upstream.requests).toHaveLength(0);
  });

  test('an error mid-stream reaches the SDK as an error after the text so far', async () => {
    const stream = await client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'fail midstream' }] });
    let text = '';
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe('echo: fail midstream');
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).message).toContain('failed mid-generation');
  });
});

describe('cohere streams split anywhere', () => {
  test('multi-byte characters split across network reads arrive whole', async () => {
    const choppy = await startMockCohere({ bytesPerWrite: 7, chunkSize: 2 });
    const choppyGw = await startTestGateway(defineConfig({ plugins: [cohere({ apiKey: mockCohereKey, baseURL: choppy.url }), modelRouting({})] }));
    try {
      const c = new OpenAI({ baseURL: `${choppyGw.url}/v1`, apiKey: 'none', maxRetries: 0 });
      const phrase = 'héllo wörld 🌍🚀 日本語 ñ';
      const stream = await c.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: phrase }] });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe(`echo: ${phrase}`);
    } finally {
      await choppyGw.close(500);
      await choppy.close();
    }
  });
});
