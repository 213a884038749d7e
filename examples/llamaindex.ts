/**
 * LlamaIndex.TS (`llamaindex` with `@llamaindex/openai`) against Switchyard: chat, a stream,
 * a tool call, embeddings, and the usual first program, a question over your own documents
 * (VectorStoreIndex → query engine), with both the LLM and the embeddings going through the
 * gateway.
 *
 * Pinned for Node 20: llamaindex 0.12.1 with @llamaindex/openai 0.4.22 (the adapter release built
 * against the same @llamaindex/core 0.6.22 that llamaindex 0.12.1 depends on).
 *
 * Run (with a gateway on :4000):
 *   node --import tsx examples/llamaindex.ts [model]
 *
 * Environment:
 *   SWITCHYARD_URL      the gateway's OpenAI base URL (default http://localhost:4000/v1)
 *   SWITCHYARD_API_KEY  the gateway's master key
 *   MODEL               chat model, when not given as the first argument (default gpt-4o-mini)
 *   EMBEDDING_MODEL     embeddings model (default text-embedding-3-small)
 */
import { OpenAI, OpenAIEmbedding } from '@llamaindex/openai';
import { Document, Settings, VectorStoreIndex } from 'llamaindex';

const baseURL = process.env.SWITCHYARD_URL ?? 'http://localhost:4000/v1';
const apiKey = process.env.SWITCHYARD_API_KEY ?? 'no-key';
const model = process.argv[2] ?? process.env.MODEL ?? 'gpt-4o-mini';
const embeddingModel = process.env.EMBEDDING_MODEL ?? 'text-embedding-3-small';

// maxRetries 0: the gateway already retries and falls back (LlamaIndex's default is 10).
const llm = new OpenAI({ model, apiKey, baseURL, maxRetries: 0 });
const embedModel = new OpenAIEmbedding({ model: embeddingModel, apiKey, baseURL, maxRetries: 0 });
Settings.llm = llm;
Settings.embedModel = embedModel;

// 1. Chat
const reply = await llm.chat({ messages: [{ role: 'user', content: 'Say hello in five words.' }] });
console.log(`chat: ${reply.message.content}`);

// 2. Stream
let streamed = '';
for await (const chunk of await llm.chat({ stream: true, messages: [{ role: 'user', content: 'Count from one to five.' }] })) {
  streamed += chunk.delta;
}
console.log(`stream: ${streamed}`);

// 3. A tool call (LlamaIndex lists the call in the message options).
const asked = await llm.chat({
  messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
  tools: [
    {
      metadata: {
        name: 'get_weather',
        description: 'Current weather in a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
      call: async ({ city }: { city: string }) => `sunny in ${city}`,
    },
  ],
});
const call = asked.message.options && 'toolCall' in asked.message.options ? asked.message.options.toolCall[0] : undefined;
const args = typeof call?.input === 'string' ? call.input : JSON.stringify(call?.input);
console.log(call ? `tool call: ${call.name}(${args})` : `tool: no call: ${String(asked.message.content)}`);

// 4. Embeddings
const vector = await embedModel.getTextEmbedding('a question');
console.log(`embedding: ${vector.length} dimensions`);

// 5. Ask a question over documents: embeddings index them, the LLM answers from what is retrieved.
const index = await VectorStoreIndex.fromDocuments([
  new Document({ text: 'Switchyard is an OpenAI-compatible gateway.', id_: 'about' }),
  new Document({ text: 'Its plugins tap the stages of each request.', id_: 'plugins' }),
]);
const engine = index.asQueryEngine({ similarityTopK: 1 });
const answer = await engine.query({ query: 'What is Switchyard?' });
console.log(`query: ${answer.toString()}`);
