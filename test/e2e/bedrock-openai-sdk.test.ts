import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import bedrock from '../../plugins/providers/bedrock/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { bedrockFaults, mockAwsCredentials, mockBedrockVector, startMockBedrock } from '../helpers/mock-upstream/bedrock.ts';
import type { MockServer } from '../helpers/mock-upstream/server.ts';

const key = 'sy-test-master-key';
const claude = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
const sessionToken = 'mock-session-token-abcdef123456';
let upstream: MockServer;
let eu: MockServer;
let sts: MockServer;
let split: MockServer;
let gw: RunningGateway;
let client: OpenAI;

const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const json = (m: MockServer, i = -1) => m.requests.at(i)?.json as Record<string, unknown>;

beforeAll(async () => {
  upstream = await startMockBedrock();
  eu = await startMockBedrock({ region: 'eu-central-1' });
  sts = await startMockBedrock({ credentials: { ...mockAwsCredentials, sessionToken } });
  split = await startMockBedrock({ chunkSize: 3, writeSize: 7 });
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        bedrock({ ...mockAwsCredentials, region: 'us-east-1', baseURL: upstream.url }),
        bedrock({ id: 'bedrock-sts', ...mockAwsCredentials, sessionToken, baseURL: sts.url }),
        masterKey({ key }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1 }),
      ],
      models: [
        { name: 'claude', deployments: [{ provider: 'bedrock', model: claude }], maxAttempts: 1 },
        { name: 'claude-split', deployments: [{ provider: 'bedrock', model: claude, baseURL: split.url }] },
        { name: 'claude-eu', deployments: [{ provider: 'bedrock', model: `us.${claude}`, baseURL: eu.url, options: { region: 'eu-central-1' } }] },
        { name: 'claude-lenient', deployments: [{ provider: 'bedrock', model: claude, dropUnsupportedParams: true }] },
        { name: 'llama', deployments: [{ provider: 'bedrock', model: 'meta.llama3-1-70b-instruct-v1:0' }] },
        { name: 'titan', deployments: [{ provider: 'bedrock', model: 'amazon.titan-embed-text-v2:0' }] },
        { name: 'cohere-embed', deployments: [{ provider: 'bedrock', model: 'cohere.embed-english-v3' }] },
        { name: 'cohere-v4', deployments: [{ provider: 'bedrock', model: 'cohere.embed-v4:0', options: { inputType: 'search_query' } }] },
      ],
    }),
  );
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
});

afterAll(async () => {
  await gw.close(1000);
  await Promise.all([upstream.close(), eu.close(), sts.close(), split.close()]);
});

beforeEach(() => {
  upstream.reset();
});

describe('Bedrock chat through the official OpenAI SDK', () => {
  test('non-stream: Converse call signed, system blocks, inference config, usage, headers', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: 'claude',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Be kind.' }] },
          { role: 'user', content: 'hello' },
        ],
        max_tokens: 100,
        temperature: 0.5,
        top_p: 0.9,
        stop: ['###'],
      })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: hello');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.object).toBe('chat.completion');
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.usage?.total_tokens).toBe((data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0));
    expect(data.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(response.headers.get('x-switchyard-provider')).toBe('bedrock');
    const sent = upstream.requests[0];
    expect(sent?.url).toBe('/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse');
    expect(sent?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDMOCKBEDROCKTEST1\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
    expect(json(upstream)).toEqual({
      messages: [{ role: 'user', content: [{ text: 'hello' }] }],
      system: [{ text: 'Be brief.' }, { text: 'Be kind.' }],
      inferenceConfig: { maxTokens: 100, temperature: 0.5, topP: 0.9, stopSequences: ['###'] },
    });
  });

  test('a bare Bedrock model id and an inference-profile ARN are routed to Bedrock', async () => {
    const res = await client.chat.completions.create({ model: claude, messages: [{ role: 'user', content: 'bare' }] });
    expect(res.choices[0]?.message.content).toBe('echo: bare');
    const arn = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${claude}`;
    const viaArn = await client.chat.completions.create({ model: arn, messages: [{ role: 'user', content: 'arn' }] });
    expect(viaArn.choices[0]?.message.content).toBe('echo: arn');
    expect(upstream.requests.at(-1)?.url).toContain('/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.');
  });

  test('stream with include_usage: ConverseStream frames become chunks, usage last', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude',
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
    expect(usage?.total_tokens).toBeGreaterThan(0);
    expect(upstream.requests[0]?.url).toMatch(/\/converse-stream$/);
    expect(upstream.requests[0]?.headers.accept).toBe('application/vnd.amazon.eventstream');
  });

  test('unicode split across frames and socket reads arrives whole', async () => {
    const text = 'héllo wörld 👋🏽 日本語 ünïcödé';
    const stream = await client.chat.completions.create({ model: 'claude-split', stream: true, messages: [{ role: 'user', content: text }] });
    let out = '';
    for await (const chunk of stream) out += chunk.choices[0]?.delta.content ?? '';
    expect(out).toBe(`echo: ${text}`);
  });

  test('tools: a tool call, then its result in history (toolUse / toolResult blocks)', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    ];
    const first = await client.chat.completions.create({ model: 'claude', tools, messages: [{ role: 'user', content: 'weather in Paris?' }] });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect((json(upstream).toolConfig as { tools: unknown[] }).tools[0]).toEqual({
      toolSpec: { name: 'get_weather', description: 'Weather by city', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } },
    });
    const second = await client.chat.completions.create({
      model: 'claude',
      tools,
      messages: [{ role: 'user', content: 'weather in Paris?' }, first.choices[0]!.message, { role: 'tool', tool_call_id: call!.id, content: 'sunny' }],
    });
    expect(second.choices[0]?.message.content).toBe('tool result: sunny');
    const messages = json(upstream).messages as unknown[];
    expect(messages[1]).toEqual({ role: 'assistant', content: [{ toolUse: { toolUseId: call!.id, name: 'get_weather', input: { city: 'Paris' } } }] });
    expect(messages[2]).toEqual({ role: 'user', content: [{ toolResult: { toolUseId: call!.id, content: [{ text: 'sunny' }] } }] });
  });

  test('streamed tool calls: stable index and id, arguments assemble; no-argument call gets {}', async () => {
    const runner = client.chat.completions.stream({
      model: 'claude',
      tools: [
        { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      messages: [{ role: 'user', content: 'x' }],
    });
    const ids = new Set<string>();
    runner.on('chunk', (chunk) => {
      for (const t of chunk.choices[0]?.delta.tool_calls ?? []) {
        expect(t.index).toBe(0);
        if (t.id) ids.add(t.id);
      }
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(ids.size).toBe(1);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(json(upstream).toolConfig).toMatchObject({ toolChoice: { tool: { name: 'lookup' } } });

    const noArgs = client.chat.completions.stream({
      model: 'claude',
      tools: [{ type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } }],
      tool_choice: 'required',
      messages: [{ role: 'user', content: 'time?' }],
    });
    const noArgsFinal = await noArgs.finalChatCompletion();
    const c = noArgsFinal.choices[0]?.message.tool_calls?.[0];
    expect(c?.type === 'function' && c.function.arguments).toBe('{}');
    expect(json(upstream).toolConfig).toMatchObject({ toolChoice: { any: {} } });
  });

  test('JSON mode and n=2: a forced tool, unwrapped into content; two parallel calls', async () => {
    const res = await client.chat.completions.create({
      model: 'claude',
      n: 2,
      response_format: { type: 'json_object' },
      messages: [{ role: 'user', content: 'answer in JSON' }],
    });
    expect(res.choices.map((c) => c.index)).toEqual([0, 1]);
    for (const choice of res.choices) {
      expect(JSON.parse(choice.message.content!)).toEqual({ echo: 'answer in JSON' });
      expect(choice.finish_reason).toBe('stop');
      expect(choice.message.tool_calls).toBeUndefined();
    }
    expect(upstream.requests).toHaveLength(2);
    const schema = await client.chat.completions.create({
      model: 'claude',
      response_format: { type: 'json_schema', json_schema: { name: 'reply', schema: { type: 'object', properties: { answer: { type: 'string' }, score: { type: 'number' } } } } },
      messages: [{ role: 'user', content: 'rate it' }],
    });
    expect(JSON.parse(schema.choices[0]!.message.content!)).toEqual({ answer: 'rate it', score: 42 });
  });

  test('JSON mode streamed: the tool input streams as content', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude',
      stream: true,
      response_format: { type: 'json_object' },
      messages: [{ role: 'user', content: 'json please' }],
    });
    let out = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      out += chunk.choices[0]?.delta.content ?? '';
      expect(chunk.choices[0]?.delta.tool_calls).toBeUndefined();
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(JSON.parse(out)).toEqual({ echo: 'json please' });
    expect(finish).toBe('stop');
  });

  test('n=2 streamed: chunks carry both indexes', async () => {
    const stream = await client.chat.completions.create({ model: 'claude', n: 2, stream: true, messages: [{ role: 'user', content: 'two' }] });
    const texts = ['', ''];
    for await (const chunk of stream) for (const c of chunk.choices) texts[c.index] += c.delta.content ?? '';
    expect(texts).toEqual(['echo: two', 'echo: two']);
  });

  test('vision: a data: URL becomes an image block; an http URL is a 400 naming the part', async () => {
    const res = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }] }],
    });
    expect(res.choices[0]?.message.content).toBe('echo: what is this? [image png]');
    expect((json(upstream).messages as { content: unknown[] }[])[0]?.content[1]).toEqual({ image: { format: 'png', source: { bytes: png } } });
    await expect(
      client.chat.completions.create({
        model: 'claude',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }],
      }),
    ).rejects.toMatchObject({ status: 400, param: 'messages[0].content[0].image_url.url' });
  });

  test('reasoning content, guardrail stop, max_tokens stop', async () => {
    const think = await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'think hard' }] });
    expect((think.choices[0]?.message as { reasoning_content?: string }).reasoning_content).toBe('Let me think about "think hard".');
    expect(think.choices[0]?.message.content).toBe('echo: think hard');
    const stream = await client.chat.completions.create({ model: 'claude', stream: true, messages: [{ role: 'user', content: 'think again' }] });
    let reasoning = '';
    for await (const chunk of stream) reasoning += (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
    expect(reasoning).toBe('Let me think about "think again".');
    const blocked = await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'something forbidden' }] });
    expect(blocked.choices[0]?.finish_reason).toBe('content_filter');
    const cut = await client.chat.completions.create({ model: 'claude', max_completion_tokens: 2, messages: [{ role: 'user', content: 'a rather long question' }] });
    expect(cut.choices[0]?.finish_reason).toBe('length');
  });

  test('unsupported params: 400 naming the param, or dropped when configured', async () => {
    await expect(client.chat.completions.create({ model: 'claude', seed: 7, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 400,
      param: 'seed',
      code: 'unsupported_parameter',
    });
    const ok = await client.chat.completions.create({ model: 'claude-lenient', seed: 7, presence_penalty: 0.5, messages: [{ role: 'user', content: 'x' }] });
    expect(ok.choices[0]?.message.content).toBe('echo: x');
    // SDK defaults that ask for nothing are never an error.
    const neutral = await client.chat.completions.create({ model: 'claude', n: 1, presence_penalty: 0, messages: [{ role: 'user', content: 'y' }] });
    expect(neutral.choices[0]?.message.content).toBe('echo: y');
  });

  test('session token and per-deployment region are signed in', async () => {
    const res = await client.chat.completions.create({ model: `bedrock-sts/${claude}`, messages: [{ role: 'user', content: 'sts' }] });
    expect(res.choices[0]?.message.content).toBe('echo: sts');
    expect(sts.requests.at(-1)?.headers['x-amz-security-token']).toBe(sessionToken);
    const euRes = await client.chat.completions.create({ model: 'claude-eu', messages: [{ role: 'user', content: 'eu' }] });
    expect(euRes.choices[0]?.message.content).toBe('echo: eu');
    expect(eu.requests.at(-1)?.headers.authorization).toContain('/eu-central-1/bedrock/aws4_request');
  });
});

describe('Bedrock embeddings', () => {
  test('Titan: one input per call, order kept, base64 (SDK default) and float with dimensions', async () => {
    const res = await client.embeddings.create({ model: 'titan', input: ['a', 'b', 'c'] });
    expect(res.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(res.data[1]?.embedding[0]).toBeCloseTo(mockBedrockVector('b', 1024)[0]!, 6);
    expect(upstream.requests).toHaveLength(3);
    expect(upstream.requests.map((r) => r.url)).toEqual(Array(3).fill('/model/amazon.titan-embed-text-v2%3A0/invoke'));
    const floats = await client.embeddings.create({ model: 'titan', input: 'd', dimensions: 256, encoding_format: 'float' });
    expect(floats.data[0]?.embedding).toEqual(mockBedrockVector('d', 256));
    expect(json(upstream)).toEqual({ inputText: 'd', normalize: true, dimensions: 256 });
    expect(floats.usage.prompt_tokens).toBe(1);
  });

  test('Cohere: texts in one call, input_type; v4 with output_dimension; v3 dimensions → 400', async () => {
    const res = await client.embeddings.create({ model: 'cohere-embed', input: ['x', 'y'], encoding_format: 'float' });
    expect(res.data[1]?.embedding).toEqual(mockBedrockVector('y', 1024));
    expect(upstream.requests).toHaveLength(1);
    expect(json(upstream)).toEqual({ texts: ['x', 'y'], input_type: 'search_document' });
    const v4 = await client.embeddings.create({ model: 'cohere-v4', input: 'q', dimensions: 256 });
    expect(v4.data[0]?.embedding[0]).toBeCloseTo(mockBedrockVector('q', 256)[0]!, 6);
    expect(json(upstream)).toEqual({ texts: ['q'], input_type: 'search_query', output_dimension: 256 });
    await expect(client.embeddings.create({ model: 'cohere-embed', input: 'z', dimensions: 256 })).rejects.toMatchObject({ status: 400, param: 'dimensions' });
  });

  test('a chat model asked for embeddings is relayed as a 400', async () => {
    await expect(client.embeddings.create({ model: 'claude', input: 'x' })).rejects.toMatchObject({ status: 400 });
  });
});

describe('Bedrock errors keep the OpenAI envelope', () => {
  test('ThrottlingException → 429; ServiceUnavailable → 503; ModelNotReady → 503', async () => {
    upstream.override(bedrockFaults.error(429, 'ThrottlingException', 'Too many requests, please wait before trying again.'));
    await expect(client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 429,
      code: 'rate_limit_exceeded',
    });
    upstream.override(bedrockFaults.error(503, 'ServiceUnavailableException', 'The service is unavailable.'));
    await expect(client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 503 });
    upstream.override(bedrockFaults.error(429, 'ModelNotReadyException', 'Model is not ready.'));
    await expect(client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 503 });
  });

  test('ModelErrorException (424: the model failed) → 502 api_error, and retried like any upstream failure', async () => {
    upstream.override(bedrockFaults.error(424, 'ModelErrorException', 'The model failed to process the request.'));
    const err = (await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(502);
    expect(err.type).toBe('api_error');
    expect(err.message).toContain('ModelErrorException: The model failed to process the request.');
    upstream.reset();
    // One failure, then the mock answers: a group with retries gets the answer.
    upstream.override(bedrockFaults.error(424, 'ModelErrorException', 'The model failed to process the request.'), 1);
    const ok = await client.chat.completions.create({ model: 'claude-lenient', messages: [{ role: 'user', content: 'again' }] });
    expect(ok.choices[0]?.message.content).toBe('echo: again');
    expect(upstream.requests).toHaveLength(2);
  });

  test('a prompt over the window → 400 context_length_exceeded; other validation errors keep their message', async () => {
    const err = (await client.chat.completions
      .create({ model: 'claude', messages: [{ role: 'user', content: 'x'.repeat(60_000) }] })
      .catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(400);
    expect(err.code).toBe('context_length_exceeded');
    expect(err.message).toContain('Input is too long for requested model.');
    const named = (await client.chat.completions
      .create({ model: 'llama', tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }], tool_choice: { type: 'function', function: { name: 'f' } }, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as APIError;
    expect(named.status).toBe(400);
    expect(named.message).toContain("doesn't support the toolConfig.toolChoice.tool field");
  });

  test('credentials refused upstream → 502, no secret in the answer', async () => {
    upstream.override(bedrockFaults.error(403, 'AccessDeniedException', `User ${mockAwsCredentials.accessKeyId} is not authorized to perform: bedrock:InvokeModel`));
    const err = (await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(502);
    expect(err.code).toBe('upstream_auth_failed');
    expect(JSON.stringify(err.error)).not.toContain(mockAwsCredentials.accessKeyId);
  });

  test('a gateway signing with the wrong secret is refused by the mock (403 → 502)', async () => {
    const wrong = await startTestGateway(
      defineConfig({ plugins: [bedrock({ ...mockAwsCredentials, secretAccessKey: 'not-the-secret', baseURL: upstream.url }), modelRouting({})] }),
    );
    try {
      const c = new OpenAI({ baseURL: `${wrong.url}/v1`, apiKey: 'none', maxRetries: 0 });
      const err = (await c.chat.completions.create({ model: claude, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as APIError;
      expect(err.status).toBe(502);
      expect(err.message).toContain('InvalidSignatureException');
      expect(JSON.stringify(err.error)).not.toContain('not-the-secret');
    } finally {
      await wrong.close(500);
    }
  });

  test('an exception event mid-stream ends the stream with an error event', async () => {
    upstream.override(bedrockFaults.streamException('modelStreamErrorException', 'The model failed mid-answer.', 4));
    const stream = await client.chat.completions.create({ model: 'claude', stream: true, messages: [{ role: 'user', content: 'a longer answer here' }] });
    let text = '';
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text.length).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).message).toContain('The model failed mid-answer.');
  });

  test('an exception as the first event is an HTTP error (retryable before any byte is sent)', async () => {
    upstream.override(bedrockFaults.streamException('throttlingException', 'Too many tokens, please wait.', 0));
    await expect(client.chat.completions.create({ model: 'claude', stream: true, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 429 });
    upstream.override(bedrockFaults.truncatedStream(0));
    await expect(client.chat.completions.create({ model: 'claude', stream: true, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 502 });
  });
});
