import { createOpenAI } from '@ai-sdk/openai';
import { APICallError, embed, embedMany, generateText, jsonSchema, Output, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { mockVector } from '../helpers/mock-upstream/openai.ts';
import { startClientStack, type ClientStack } from './stack.ts';

// The Vercel AI SDK (ai@6 + @ai-sdk/openai) as a user configures it: createOpenAI({ baseURL, apiKey })
// and `.chat(model)`, since the provider's default model goes to the Responses API.
let stack: ClientStack;
let switchyard: ReturnType<typeof createOpenAI>;

beforeAll(async () => {
  stack = await startClientStack();
  switchyard = createOpenAI({ baseURL: stack.baseURL, apiKey: stack.apiKey, name: 'switchyard' });
});
afterAll(() => stack.close());
beforeEach(() => stack.upstream.reset());

const weather = tool({
  description: 'Current weather in a city',
  inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
  execute: async ({ city }) => ({ city, sky: 'sunny' }),
});

describe('Vercel AI SDK through the gateway', () => {
  test('generateText: text, usage and finish reason; the call went to /chat/completions', async () => {
    const result = await generateText({ model: switchyard.chat('gpt-4o'), maxRetries: 0, prompt: 'hello vercel' });
    expect(result.text).toBe('echo: hello vercel');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.totalTokens).toBeGreaterThan(0);
    expect(result.response.headers?.['x-switchyard-provider']).toBe('openai');
    expect(stack.upstream.requests.map((r) => r.url)).toEqual(['/v1/chat/completions']);
  });

  test('streamText: the deltas add up to the answer, with usage at the end', async () => {
    const result = streamText({ model: switchyard.chat('gpt-4o-mini'), maxRetries: 0, prompt: 'stream it' });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe('echo: stream it');
    expect((await result.usage).totalTokens).toBeGreaterThan(0);
    expect(await result.finishReason).toBe('stop');
  });

  test('tool call: the SDK runs the tool and sends its result back (two steps)', async () => {
    const result = await generateText({
      model: switchyard.chat('gpt-4o'),
      maxRetries: 0,
      prompt: 'weather in Paris?',
      tools: { get_weather: weather },
      stopWhen: stepCountIs(2),
    });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolCalls[0]).toMatchObject({ toolName: 'get_weather', input: { city: 'Paris' } });
    expect(result.text).toBe('tool result: {"city":"Paris","sky":"sunny"}');
    const roles = (stack.bodies('/v1/chat/completions')[1]?.messages as { role: string }[]).map((m) => m.role);
    expect(roles).toEqual(['user', 'assistant', 'tool']);
  });

  test('streamText with a tool: streamed tool-call deltas are assembled by the SDK', async () => {
    const result = streamText({
      model: switchyard.chat('gpt-4o'),
      maxRetries: 0,
      prompt: 'weather please',
      tools: { get_weather: weather },
      toolChoice: 'required',
    });
    const calls = await result.toolCalls;
    expect(calls).toEqual([expect.objectContaining({ toolName: 'get_weather', input: { city: 'Paris' } })]);
  });

  test('structured output: a JSON schema goes upstream as response_format, the object comes back parsed', async () => {
    const result = await generateText({
      model: switchyard.chat('gpt-4o'),
      maxRetries: 0,
      prompt: 'structured please',
      output: Output.object({ schema: jsonSchema<{ echo: string }>({ type: 'object', properties: { echo: { type: 'string' } }, required: ['echo'], additionalProperties: false }) }),
    });
    expect(result.output).toEqual({ echo: 'echo: structured please' });
    expect(stack.bodies('/v1/chat/completions')[0]?.response_format).toMatchObject({ type: 'json_schema', json_schema: { schema: { required: ['echo'] } } });
  });

  test('embed and embedMany return the upstream vectors', async () => {
    const model = switchyard.embedding('text-embedding-3-small');
    const one = await embed({ model, maxRetries: 0, value: 'solo' });
    expect(one.embedding).toEqual(mockVector('solo'));
    const many = await embedMany({ model, maxRetries: 0, values: ['a', 'b'] });
    expect(many.embeddings).toEqual([mockVector('a'), mockVector('b')]);
  });

  test('an unknown model surfaces as the SDK error with the gateway status and message', async () => {
    const err = await generateText({ model: switchyard.chat('no-such-model'), maxRetries: 0, prompt: 'x' }).catch((e: unknown) => e);
    expect(APICallError.isInstance(err)).toBe(true);
    expect((err as APICallError).statusCode).toBe(404);
    expect((err as APICallError).message).toContain('no-such-model');
  });
});
