/**
 * LangChain.js (`@langchain/openai`) against Switchyard: invoke, stream, a tool call with
 * bindTools, and embeddings. Point `configuration.baseURL` at the gateway; the rest is ordinary
 * LangChain code.
 *
 * Run (with a gateway on :4000):
 *   node --import tsx examples/langchain.ts [model]
 *
 * Environment:
 *   SWITCHYARD_URL      the gateway's OpenAI base URL (default http://localhost:4000/v1)
 *   SWITCHYARD_API_KEY  the gateway's master key
 *   MODEL               chat model, when not given as the first argument (default gpt-4o-mini)
 *   EMBEDDING_MODEL     embeddings model (default text-embedding-3-small)
 */
import { HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';

const baseURL = process.env.SWITCHYARD_URL ?? 'http://localhost:4000/v1';
const apiKey = process.env.SWITCHYARD_API_KEY ?? 'no-key';
const model = process.argv[2] ?? process.env.MODEL ?? 'gpt-4o-mini';
const embeddingModel = process.env.EMBEDDING_MODEL ?? 'text-embedding-3-small';

// Any model name works, including `provider/model` and the gateway's model groups.
// maxRetries 0: the gateway already retries and falls back.
const chat = new ChatOpenAI({ model, apiKey, configuration: { baseURL }, maxRetries: 0 });

// 1. invoke
const reply = await chat.invoke([new SystemMessage('You are terse.'), new HumanMessage('Say hello in five words.')]);
console.log(`invoke: ${reply.text}`);
console.log(`  usage: ${reply.usage_metadata?.total_tokens ?? 'not reported'} tokens`);

// 2. stream
let streamed = '';
for await (const chunk of await chat.stream('Count from one to five.')) streamed += chunk.text;
console.log(`stream: ${streamed}`);

// 3. Tools: an OpenAI-format tool definition, bound to the model.
const withTools = chat.bindTools([
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
]);
const question = new HumanMessage('What is the weather in Paris?');
const asked = await withTools.invoke([question]);
const call = asked.tool_calls?.[0];
if (call?.id !== undefined) {
  console.log(`tool call: ${call.name}(${JSON.stringify(call.args)})`);
  const answer = await withTools.invoke([question, asked, new ToolMessage({ tool_call_id: call.id, content: 'sunny, 21 °C' })]);
  console.log(`tool answer: ${answer.text}`);
} else {
  console.log(`tool: the model answered without a call: ${asked.text}`);
}

// 4. Embeddings
const embeddings = new OpenAIEmbeddings({ model: embeddingModel, apiKey, configuration: { baseURL }, maxRetries: 0 });
const vectors = await embeddings.embedDocuments(['first text', 'second text']);
const query = await embeddings.embedQuery('a question');
console.log(`embeddings: ${vectors.length} documents, query vector of ${query.length} dimensions`);
