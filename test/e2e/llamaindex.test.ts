import { OpenAI, OpenAIEmbedding } from '@llamaindex/openai';
import { Document, Settings, VectorStoreIndex, type ChatMessage, type ToolCallLLMMessageOptions } from 'llamaindex';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { mockVector } from '../helpers/mock-upstream/openai.ts';
import { startClientStack, type ClientStack } from './stack.ts';

// LlamaIndex.TS (llamaindex 0.12.1 + @llamaindex/openai 0.4.22, pinned for Node 20) as a user
// configures it: the OpenAI LLM and embedding classes with `baseURL` and `apiKey`.
let stack: ClientStack;
let llm: OpenAI;
let embedModel: OpenAIEmbedding;

beforeAll(async () => {
  stack = await startClientStack();
  llm = new OpenAI({ model: 'gpt-4o', apiKey: stack.apiKey, baseURL: stack.baseURL, maxRetries: 0 });
  embedModel = new OpenAIEmbedding({ model: 'text-embedding-3-small', apiKey: stack.apiKey, baseURL: stack.baseURL, maxRetries: 0 });
});
afterAll(() => stack.close());
beforeEach(() => stack.upstream.reset());

const weather = {
  metadata: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object' as const, properties: { city: { type: 'string' as const } }, required: ['city'] },
  },
  call: async ({ city }: { city: string }) => `sunny in ${city}`,
};

describe('LlamaIndex through the gateway', () => {
  test('chat and complete', async () => {
    const reply = await llm.chat({ messages: [{ role: 'user', content: 'hello llama' }] });
    expect(reply.message.content).toBe('echo: hello llama');
    const completion = await llm.complete({ prompt: 'complete me' });
    expect(completion.text).toBe('echo: complete me');
  });

  test('stream: the deltas add up to the answer', async () => {
    const deltas: string[] = [];
    for await (const chunk of await llm.chat({ stream: true, messages: [{ role: 'user', content: 'stream llama' }] })) deltas.push(chunk.delta);
    expect(deltas.join('')).toBe('echo: stream llama');
    expect(stack.bodies('/v1/chat/completions')[0]).toMatchObject({ stream: true });
  });

  test('a tool call, and its result sent back', async () => {
    const question: ChatMessage<ToolCallLLMMessageOptions> = { role: 'user', content: 'weather in Paris?' };
    const asked = await llm.chat({ messages: [question], tools: [weather] });
    const options = asked.message.options;
    const call = options !== undefined && 'toolCall' in options ? options.toolCall[0] : undefined;
    expect(call).toMatchObject({ name: 'get_weather', id: 'call_0_get_weather' });
    expect(typeof call?.input === 'string' ? JSON.parse(call.input) : call?.input).toEqual({ city: 'Paris' });
    const answer = await llm.chat({
      tools: [weather],
      messages: [
        question,
        asked.message,
        { role: 'user', content: 'sunny', options: { toolResult: { id: 'call_0_get_weather', result: 'sunny', isError: false } } },
      ],
    });
    expect(answer.message.content).toBe('tool result: sunny');
  });

  test('embeddings: one text and a batch', async () => {
    expect(await embedModel.getTextEmbedding('one')).toEqual(mockVector('one'));
    expect(await embedModel.getTextEmbeddings(['x', 'y'])).toEqual([mockVector('x'), mockVector('y')]);
  });

  test('VectorStoreIndex → query engine: embeddings and the LLM both go through the gateway', async () => {
    Settings.llm = llm;
    Settings.embedModel = embedModel;
    const index = await VectorStoreIndex.fromDocuments([
      new Document({ text: 'Switchyard is an OpenAI-compatible gateway.', id_: 'about' }),
      new Document({ text: 'Bananas are yellow.', id_: 'fruit' }),
    ]);
    const answer = await index.asQueryEngine({ similarityTopK: 2 }).query({ query: 'What is Switchyard?' });
    // The mock echoes the prompt: it holds the retrieved documents and the question.
    expect(answer.toString()).toMatch(/^echo: /);
    expect(answer.toString()).toContain('Switchyard is an OpenAI-compatible gateway.');
    expect(answer.toString()).toContain('What is Switchyard?');
    expect(answer.sourceNodes?.length).toBe(2);
    const embedded = stack.bodies('/v1/embeddings').flatMap((b) => (Array.isArray(b.input) ? b.input : [b.input]));
    expect(embedded).toEqual(expect.arrayContaining(['What is Switchyard?']));
    expect(embedded.length).toBeGreaterThanOrEqual(3);
    expect(stack.bodies('/v1/chat/completions')).toHaveLength(1);
  });
});
