import { AIMessageChunk, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { mockVector } from '../helpers/mock-upstream/openai.ts';
import { startClientStack, type ClientStack } from './stack.ts';

// LangChain.js (@langchain/openai) as a user configures it: only configuration.baseURL and apiKey change.
let stack: ClientStack;
let chat: ChatOpenAI;

beforeAll(async () => {
  stack = await startClientStack({ models: [{ name: 'smart', deployments: [{ provider: 'openai', model: 'gpt-4o' }] }] });
  chat = new ChatOpenAI({ model: 'smart', apiKey: stack.apiKey, configuration: { baseURL: stack.baseURL }, maxRetries: 0 });
});
afterAll(() => stack.close());
beforeEach(() => stack.upstream.reset());

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('LangChain ChatOpenAI through the gateway', () => {
  test('invoke: the answer, its usage, and the model group resolved upstream', async () => {
    const reply = await chat.invoke([new SystemMessage('be terse'), new HumanMessage('hello there')]);
    expect(reply.text).toBe('echo: hello there');
    expect(reply.usage_metadata?.total_tokens).toBeGreaterThan(0);
    expect(reply.response_metadata.model_name ?? reply.response_metadata.model).toBe('gpt-4o');
    const [sent] = stack.bodies('/v1/chat/completions');
    expect(sent?.model).toBe('gpt-4o');
    expect(sent?.messages).toEqual([
      { role: 'system', content: 'be terse' },
      { role: 'user', content: 'hello there' },
    ]);
  });

  test('stream: several chunks that add up to the answer, usage in the last', async () => {
    const chunks: AIMessageChunk[] = [];
    for await (const chunk of await chat.stream('stream this please')) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.map((c) => c.text).join('')).toBe('echo: stream this please');
    const merged = chunks.reduce((a, b) => a.concat(b));
    expect(merged.usage_metadata?.total_tokens).toBeGreaterThan(0);
    expect(stack.bodies('/v1/chat/completions')[0]).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  test('bindTools: the tool call arrives parsed, and the tool result goes back', async () => {
    const withTools = chat.bindTools([weatherTool]);
    const question = new HumanMessage('what is the weather in Paris?');
    const asked = await withTools.invoke([question]);
    expect(asked.tool_calls).toEqual([expect.objectContaining({ name: 'get_weather', args: { city: 'Paris' }, id: 'call_0_get_weather' })]);
    const answer = await withTools.invoke([question, asked, new ToolMessage({ tool_call_id: 'call_0_get_weather', content: 'sunny' })]);
    expect(answer.text).toBe('tool result: sunny');
    // The strict mock rejects a tool message without the assistant turn that called it, so
    // reaching it proves LangChain's history went through the gateway intact.
    const second = stack.bodies('/v1/chat/completions')[1];
    expect((second?.messages as { role: string }[]).map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
  });

  test('bindTools with streaming: tool-call chunks merge into one call', async () => {
    const withTools = chat.bindTools([weatherTool], { tool_choice: 'required' });
    let merged: AIMessageChunk | undefined;
    for await (const chunk of await withTools.stream('anything')) merged = merged === undefined ? chunk : merged.concat(chunk);
    expect(merged?.tool_calls).toEqual([expect.objectContaining({ name: 'get_weather', args: { city: 'Paris' } })]);
  });
});

describe('LangChain structured output through the gateway', () => {
  test('withStructuredOutput (JSON schema): response_format goes upstream, the object comes back parsed', async () => {
    const schema = { title: 'Echo', type: 'object', properties: { echo: { type: 'string' } }, required: ['echo'], additionalProperties: false };
    const structured = chat.withStructuredOutput<{ echo: string }>(schema, { method: 'jsonSchema' });
    expect(await structured.invoke('give me json')).toEqual({ echo: 'echo: give me json' });
    expect(stack.bodies('/v1/chat/completions')[0]?.response_format).toMatchObject({ type: 'json_schema' });
  });
});

describe('LangChain OpenAIEmbeddings through the gateway', () => {
  test('embedDocuments and embedQuery return the upstream vectors, in order', async () => {
    const embeddings = new OpenAIEmbeddings({
      model: 'text-embedding-3-small',
      apiKey: stack.apiKey,
      configuration: { baseURL: stack.baseURL },
      maxRetries: 0,
    });
    const docs = await embeddings.embedDocuments(['alpha', 'beta', 'gamma']);
    expect(docs).toHaveLength(3);
    docs.forEach((vector, i) => {
      const expected = mockVector(['alpha', 'beta', 'gamma'][i]!);
      vector.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 5));
    });
    const query = await embeddings.embedQuery('delta');
    expect(query).toHaveLength(8);
    expect(query[0]).toBeCloseTo(mockVector('delta')[0]!, 5);
  });
});
