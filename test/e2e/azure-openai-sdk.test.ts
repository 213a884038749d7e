import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import requestLog from '../../plugins/log/pino/index.ts';
import azure from '../../plugins/providers/azure/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockAzureKey, mockAzureToken, startMockAzure, type AzureMock } from '../helpers/mock-upstream/azure.ts';
import { mockVector } from '../helpers/mock-upstream/openai.ts';
import { faults } from '../helpers/mock-upstream/server.ts';

/** The OpenAI SDK, unchanged, against Azure OpenAI deployments behind the gateway. */
const key = 'sy-test-master-key';
let upstream: AzureMock;
let gw: RunningGateway;
let client: OpenAI;
let tokenCalls = 0;

type Json = Record<string, unknown>;

beforeAll(async () => {
  upstream = await startMockAzure({ asyncFilter: true });
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        azure({ endpoint: `${upstream.url}/`, apiKey: mockAzureKey }),
        azure({
          id: 'azure-entra',
          endpoint: upstream.url,
          apiVersion: '2025-01-01-preview',
          getToken: async () => {
            tokenCalls++;
            return mockAzureToken;
          },
        }),
        masterKey({ key }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1, maxRetryDelayMs: 10 }),
        // The log stage makes the gateway assemble every stream, Azure's filter chunks included.
        requestLog({}),
      ],
      models: [
        { name: 'gpt-4o', deployments: [{ provider: 'azure', model: 'prod-gpt4o' }] },
        { name: 'embed', deployments: [{ provider: 'azure', model: 'prod-embed', options: { apiVersion: '2024-06-01' } }] },
        { name: 'entra', deployments: [{ provider: 'azure-entra', model: 'prod-gpt4o' }] },
        { name: 'v1', deployments: [{ provider: 'azure', model: 'prod-gpt4o', options: { apiVersion: 'v1' } }] },
        { name: 'missing', deployments: [{ provider: 'azure', model: 'no-such-deployment' }] },
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

describe('azure chat through the official SDK', () => {
  test('non-stream: deployment URL, api-version and api-key; Azure filter results kept', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: hello');
    expect(response.headers.get('x-switchyard-provider')).toBe('azure');
    const req = upstream.requests[0]!;
    expect(req.url).toBe('/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21');
    expect(req.headers['api-key']).toBe(mockAzureKey);
    expect(req.headers.authorization).toBeUndefined();
    // Azure's extra fields do not trouble OpenAI clients, so they pass through for those who read them.
    expect((data as unknown as Json).prompt_filter_results).toBeDefined();
    expect((data.choices[0] as unknown as Json).content_filter_results).toBeDefined();
  });

  test('azure/<deployment> names work without a model group', async () => {
    const res = await client.chat.completions.create({ model: 'azure/prod-gpt4o', messages: [{ role: 'user', content: 'direct' }] });
    expect(res.choices[0]?.message.content).toBe('echo: direct');
  });

  test('Entra: a bearer token from getToken per request, the plugin api-version', async () => {
    const before = tokenCalls;
    await client.chat.completions.create({ model: 'entra', messages: [{ role: 'user', content: 'a' }] });
    await client.chat.completions.create({ model: 'entra', messages: [{ role: 'user', content: 'b' }] });
    expect(tokenCalls - before).toBe(2);
    expect(upstream.requests[0]?.headers.authorization).toBe(`Bearer ${mockAzureToken}`);
    expect(upstream.requests[0]?.headers['api-key']).toBeUndefined();
    expect(upstream.requests[0]?.url).toContain('api-version=2025-01-01-preview');
  });

  test("the v1 API: /openai/v1 path, the deployment as the body's model", async () => {
    const res = await client.chat.completions.create({ model: 'v1', messages: [{ role: 'user', content: 'v one' }] });
    expect(res.choices[0]?.message.content).toBe('echo: v one');
    expect(upstream.requests[0]?.url).toBe('/openai/v1/chat/completions');
    expect((upstream.requests[0]?.json as Json).model).toBe('prod-gpt4o');
  });

  test('stream: the first chunk with empty choices and the last annotation chunk without delta are handled', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'stream me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices).toEqual([]);
    expect((chunks[0] as unknown as Json).prompt_filter_results).toBeDefined();
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('echo: stream me');
    expect(chunks.some((c) => c.usage)).toBe(true);
    // The SDK's stream helper accumulates the same stream without tripping on either chunk.
    const final = await client.chat.completions
      .stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'helper' }] })
      .finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('echo: helper');
  });

  test('tools, streamed tool calls, JSON mode and n=2 pass through', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    ];
    const first = await client.chat.completions.create({ model: 'gpt-4o', tools, messages: [{ role: 'user', content: 'weather?' }] });
    const call = first.choices[0]!.message.tool_calls![0]!;
    const second = await client.chat.completions.create({
      model: 'gpt-4o',
      tools,
      messages: [{ role: 'user', content: 'weather?' }, first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'sunny' }],
    });
    expect(second.choices[0]?.message.content).toBe('tool result: sunny');
    const streamed = await client.chat.completions
      .stream({ model: 'gpt-4o', tools, tool_choice: 'required', messages: [{ role: 'user', content: 'x' }] })
      .finalChatCompletion();
    const streamedCall = streamed.choices[0]?.message.tool_calls?.[0];
    expect(streamedCall?.type === 'function' && JSON.parse(streamedCall.function.arguments)).toEqual({ city: 'Paris' });
    const json = await client.chat.completions.create({ model: 'gpt-4o', n: 2, response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'json' }] });
    expect(json.choices).toHaveLength(2);
    expect(JSON.parse(json.choices[0]!.message.content!)).toEqual({ echo: 'echo: json' });
  });

  test('legacy completions on a deployment', async () => {
    const res = await client.completions.create({ model: 'azure/prod-instruct', prompt: 'Say' });
    expect(res.choices[0]?.text).toBe(' completed: Say');
    expect(upstream.requests[0]?.url).toBe('/openai/deployments/prod-instruct/completions?api-version=2024-10-21');
  });
});

describe('azure embeddings', () => {
  test("SDK default (base64) and floats; the deployment's api-version", async () => {
    const res = await client.embeddings.create({ model: 'embed', input: ['a', 'b'] });
    expect(res.data[1]?.embedding[0]).toBeCloseTo(mockVector('b')[0]!, 5);
    expect(upstream.requests[0]?.url).toBe('/openai/deployments/prod-embed/embeddings?api-version=2024-06-01');
    const floats = await client.embeddings.create({ model: 'embed', input: 'c', encoding_format: 'float', dimensions: 4 });
    expect(floats.data[0]?.embedding).toEqual(mockVector('c', 4));
  });
});

describe('azure errors in the OpenAI envelope', () => {
  test('content filter 400 → 400 content_policy_violation, message kept', async () => {
    const err = (await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'tell me about a forbidden topic' }] })
      .catch((e: unknown) => e)) as APIError;
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.code).toBe('content_policy_violation');
    expect(err.message).toContain('content management policy');
  });

  test('an unknown deployment → 404 with Azure\'s message', async () => {
    const err = (await client.chat.completions.create({ model: 'missing', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(404);
    expect(err.message).toContain('deployment for this resource does not exist');
  });

  test('429 → 429 with Retry-After; a rejected key → 502, never echoed', async () => {
    upstream.override(faults.status(429, { error: { code: '429', message: 'Requests to the ChatCompletions_Create Operation have exceeded token rate limit.' } }, { 'retry-after': '2' }), 5);
    const limited = (await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as APIError;
    expect(limited.status).toBe(429);
    expect(limited.headers?.get('retry-after')).toBe('2');
    expect(limited.code).toBe('rate_limit_exceeded');
    upstream.reset();
    upstream.override(faults.status(401, { error: { code: '401', message: `Access denied: key ${mockAzureKey} is invalid` } }), 5);
    const denied = (await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as APIError;
    expect(denied.status).toBe(502);
    expect(JSON.stringify(denied.error)).not.toContain(mockAzureKey);
  });

  test('context too long → 400 context_length_exceeded', async () => {
    upstream.override(
      faults.status(400, {
        error: {
          message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        },
      }),
    );
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
    });
  });
});
