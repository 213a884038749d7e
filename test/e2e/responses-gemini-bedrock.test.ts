import OpenAI from 'openai';
import type { ResponseFunctionToolCall } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import inboundResponses from '../../plugins/inbound/responses/index.ts';
import bedrock from '../../plugins/providers/bedrock/index.ts';
import gemini from '../../plugins/providers/gemini/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockAwsCredentials, startMockBedrock } from '../helpers/mock-upstream/bedrock.ts';
import { mockGeminiKey, startMockGemini } from '../helpers/mock-upstream/gemini.ts';
import type { MockServer, RecordedRequest } from '../helpers/mock-upstream/server.ts';

/*
 * The openai SDK's responses.create and responses.stream over providers that speak neither
 * OpenAI's wire nor Anthropic's: Gemini and Bedrock (Converse), both strict mocks, both streaming
 * tool arguments in fragments. (OpenAI and Anthropic deployments: responses-api.test.ts.)
 */
type Json = Record<string, unknown>;
const key = 'sy-responses-more-providers';
let geminiUp: MockServer;
let bedrockUp: MockServer;
let gw: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  [geminiUp, bedrockUp] = await Promise.all([startMockGemini({ chunkSize: 3 }), startMockBedrock({ chunkSize: 3, writeSize: 11 })]);
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        gemini({ apiKey: mockGeminiKey, baseURL: geminiUp.url }),
        bedrock({ ...mockAwsCredentials, region: 'us-east-1', baseURL: bedrockUp.url }),
        masterKey({ key }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1 }),
        inboundResponses({ ttlSeconds: 600 }),
      ],
      models: [
        { name: 'gem', deployments: [{ provider: 'gemini', model: 'gemini-2.0-flash' }], maxAttempts: 1 },
        { name: 'rock', deployments: [{ provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20241022-v2:0' }], maxAttempts: 1 },
      ],
    }),
  );
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
});

afterAll(async () => {
  await gw.close(1000);
  await Promise.all([geminiUp.close(), bedrockUp.close()]);
});

beforeEach(() => {
  geminiUp.reset();
  bedrockUp.reset();
});

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

const providers = [
  { model: 'gem', provider: 'gemini', upstream: () => geminiUp, path: /^\/v1beta\/models\/gemini-2\.0-flash:(generateContent|streamGenerateContent\?alt=sse)$/ },
  { model: 'rock', provider: 'bedrock', upstream: () => bedrockUp, path: /^\/model\/anthropic\.claude-3-5-sonnet-20241022-v2%3A0\/converse(-stream)?$/ },
] as const;

describe("OpenAI's Responses API over Gemini and Bedrock through the official openai SDK", () => {
  test.each(providers)('responses.create on $provider: text, instructions as the system prompt, usage', async ({ model, provider, upstream, path }) => {
    const { data, response } = await client.responses.create({ model, instructions: 'be brief', input: 'hello', max_output_tokens: 200 }).withResponse();
    expect(data.status).toBe('completed');
    expect(data.output_text).toBe('echo: hello');
    expect(data.usage?.input_tokens).toBeGreaterThan(0);
    expect(data.usage?.total_tokens).toBe((data.usage?.input_tokens ?? 0) + (data.usage?.output_tokens ?? 0));
    expect(response.headers.get('x-switchyard-provider')).toBe(provider);
    const sent = upstream().requests[0] as RecordedRequest;
    expect(sent.url).toMatch(path);
    const body = sent.json as Json;
    if (provider === 'gemini') expect(body.systemInstruction).toEqual({ parts: [{ text: 'be brief' }] });
    else expect(body.system).toEqual([{ text: 'be brief' }]);
  });

  test.each(providers)('responses.create with a tool on $provider: one function_call item with the upstream arguments', async ({ model }) => {
    const data = await client.responses.create({ model, input: 'weather in Paris?', tools: [weatherTool] });
    const calls = data.output.filter((item): item is ResponseFunctionToolCall => item.type === 'function_call');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ name: 'get_weather', status: 'completed' });
    expect(JSON.parse(calls[0]?.arguments ?? '')).toEqual({ city: 'Paris' });
    expect(data.output_text).toBe('');
  });

  test.each(providers)('responses.stream with a tool on $provider: the SDK accepts the events; deltas add up to the item arguments', async ({ model, upstream }) => {
    const stream = client.responses.stream({ model, input: 'weather in Paris?', tools: [weatherTool] });
    const deltas: string[] = [];
    const sequence: number[] = [];
    stream.on('response.function_call_arguments.delta', (e) => deltas.push(e.delta));
    stream.on('event', (e) => sequence.push(e.sequence_number));
    const final = await stream.finalResponse();
    expect(final.status).toBe('completed');
    const call = final.output.find((item) => item.type === 'function_call') as ResponseFunctionToolCall | undefined;
    expect(JSON.parse(call?.arguments ?? '')).toEqual({ city: 'Paris' });
    expect(deltas.join('')).toBe(call?.arguments);
    expect(sequence).toEqual(sequence.map((_, i) => i));
    expect(upstream().requests).toHaveLength(1);
  });

  test.each(providers)('responses.stream text on $provider: the text arrives in pieces and whole', async ({ model }) => {
    const stream = client.responses.stream({ model, input: 'a longer sentence, streamed in pieces' });
    const pieces: string[] = [];
    stream.on('response.output_text.delta', (e) => pieces.push(e.delta));
    const final = await stream.finalResponse();
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join('')).toBe('echo: a longer sentence, streamed in pieces');
    expect(final.output_text).toBe('echo: a longer sentence, streamed in pieces');
    expect(final.usage?.output_tokens).toBeGreaterThan(0);
  });

  test.each(providers)('a tool result round trip on $provider with previous_response_id: the upstream gets the call and its result', async ({ model, provider, upstream }) => {
    const first = await client.responses.stream({ model, input: 'weather in Paris?', tools: [weatherTool] }).finalResponse();
    const call = first.output.find((item) => item.type === 'function_call') as ResponseFunctionToolCall;
    upstream().reset();
    const second = await client.responses.create({
      model,
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: 'sunny' }],
      tools: [weatherTool],
    });
    expect(second.output_text).toMatch(/^tool result: /);
    const body = (upstream().requests[0] as RecordedRequest).json as Json;
    if (provider === 'gemini') {
      const contents = body.contents as { role: string; parts: Json[] }[];
      expect(contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
      expect(contents[1]?.parts[0]).toMatchObject({ functionCall: { name: 'get_weather', args: { city: 'Paris' } } });
      expect(contents[2]?.parts[0]).toMatchObject({ functionResponse: { name: 'get_weather' } });
    } else {
      const messages = body.messages as { role: string; content: Json[] }[];
      expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
      expect(messages[1]?.content[0]).toEqual({ toolUse: { toolUseId: call.call_id, name: 'get_weather', input: { city: 'Paris' } } });
      expect(messages[2]?.content[0]).toMatchObject({ toolResult: { toolUseId: call.call_id } });
    }
  });
});
