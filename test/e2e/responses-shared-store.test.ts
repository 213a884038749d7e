import OpenAI from 'openai';
import type { ResponseFunctionToolCall } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import inboundResponses from '../../plugins/inbound/responses/index.ts';
import anthropic from '../../plugins/providers/anthropic/index.ts';
import gemini from '../../plugins/providers/gemini/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockAnthropicKey, startMockAnthropic } from '../helpers/mock-upstream/anthropic.ts';
import { mockGeminiKey, startMockGemini } from '../helpers/mock-upstream/gemini.ts';
import { redisUrl } from '../helpers/redis-admission.ts';
import type { MockServer, RecordedRequest } from '../helpers/mock-upstream/server.ts';

/*
 * previous_response_id across two gateway instances sharing Redis (REDIS_URL, else the local
 * Redis), over translated providers: a tool call streamed on one instance is answered on the
 * other, which can only know the earlier turn from Redis (each instance's memory is its own).
 */
type Json = Record<string, unknown>;
const key = 'sy-shared-store-master';
let anthropicUp: MockServer;
let geminiUp: MockServer;
let one: RunningGateway;
let two: RunningGateway;

function config() {
  return defineConfig({
    plugins: [
      anthropic({ apiKey: mockAnthropicKey, baseURL: anthropicUp.url }),
      gemini({ apiKey: mockGeminiKey, baseURL: geminiUp.url }),
      masterKey({ key }),
      modelRouting({}),
      orderedFallback({ retryDelayMs: 1 }),
      inboundResponses({ redisUrl, ttlSeconds: 600 }),
    ],
    models: [
      { name: 'claude', deployments: [{ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' }], maxAttempts: 1 },
      { name: 'gem', deployments: [{ provider: 'gemini', model: 'gemini-2.0-flash' }], maxAttempts: 1 },
    ],
  });
}

beforeAll(async () => {
  [anthropicUp, geminiUp] = await Promise.all([startMockAnthropic(), startMockGemini()]);
  [one, two] = await Promise.all([startTestGateway(config()), startTestGateway(config())]);
});

afterAll(async () => {
  await Promise.all([one.close(1000), two.close(1000)]);
  await Promise.all([anthropicUp.close(), geminiUp.close()]);
});

beforeEach(() => {
  anthropicUp.reset();
  geminiUp.reset();
});

const clientOf = (gw: RunningGateway): OpenAI => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

const cases = [
  { model: 'claude', upstream: () => anthropicUp },
  { model: 'gem', upstream: () => geminiUp },
] as const;

describe('previous_response_id across two gateway instances sharing Redis', () => {
  test.each(cases)('$model: a tool call streamed on one instance, its output sent to the other; the chain reaches the upstream', async ({ model, upstream }) => {
    const first = await clientOf(one).responses.stream({ model, input: 'weather in Paris?', tools: [weatherTool] }).finalResponse();
    const call = first.output.find((item) => item.type === 'function_call') as ResponseFunctionToolCall;
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
    upstream().reset();
    const second = await clientOf(two)
      .responses.stream({ model, previous_response_id: first.id, input: [{ type: 'function_call_output', call_id: call.call_id, output: 'sunny' }], tools: [weatherTool] })
      .finalResponse();
    expect(second.previous_response_id).toBe(first.id);
    expect(second.output_text).toMatch(/^tool result: .*sunny/);
    const sent = (upstream().requests[0] as RecordedRequest).json as Json;
    if (model === 'claude') {
      expect(sent.messages).toEqual([
        { role: 'user', content: 'weather in Paris?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: call.call_id, name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.call_id, content: 'sunny' }] },
      ]);
    } else {
      const contents = sent.contents as { role: string; parts: Json[] }[];
      expect(contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
      expect(contents[0]?.parts).toEqual([{ text: 'weather in Paris?' }]);
      expect(contents[1]?.parts[0]).toMatchObject({ functionCall: { name: 'get_weather', args: { city: 'Paris' } } });
      expect(contents[2]?.parts[0]).toMatchObject({ functionResponse: { name: 'get_weather' } });
    }
    // And back: the first instance serves what the second created, then a deletion on it is seen by the second.
    expect((await clientOf(one).responses.retrieve(second.id)).output_text).toBe(second.output_text);
    const items = await clientOf(one).responses.inputItems.list(second.id);
    expect(items.data.map((i) => i.type)).toContain('function_call_output');
    await clientOf(one).responses.delete(second.id);
    await expect(clientOf(two).responses.retrieve(second.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(
      clientOf(two).responses.create({ model, previous_response_id: second.id, input: 'and then?' }),
    ).rejects.toMatchObject({ status: 400, code: 'previous_response_not_found', param: 'previous_response_id' });
  });
});
