/**
 * The official OpenAI SDK (`openai` on npm) against Switchyard: chat, streaming, tools, JSON mode,
 * embeddings and the model list. Only `baseURL` and `apiKey` differ from talking to OpenAI.
 *
 * Run (with a gateway on :4000, e.g. `OPENAI_API_KEY=sk-… npm start`):
 *   node --import tsx examples/openai-sdk.ts [model]
 *
 * Environment:
 *   SWITCHYARD_URL      the gateway's OpenAI base URL (default http://localhost:4000/v1)
 *   SWITCHYARD_API_KEY  the gateway's master key (or any key when the gateway has no auth)
 *   MODEL               chat model, when not given as the first argument (default gpt-4o-mini)
 *   EMBEDDING_MODEL     embeddings model (default text-embedding-3-small)
 */
import OpenAI from 'openai';

const baseURL = process.env.SWITCHYARD_URL ?? 'http://localhost:4000/v1';
const apiKey = process.env.SWITCHYARD_API_KEY ?? 'no-key';
const model = process.argv[2] ?? process.env.MODEL ?? 'gpt-4o-mini';
const embeddingModel = process.env.EMBEDDING_MODEL ?? 'text-embedding-3-small';

// The gateway retries and falls back itself; SDK retries on top would multiply the calls.
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });

// 1. Chat. The x-switchyard-* headers say which deployment answered.
const { data: chat, response } = await client.chat.completions
  .create({ model, messages: [{ role: 'user', content: 'Say hello in five words.' }] })
  .withResponse();
console.log(`chat: ${chat.choices[0]?.message.content}`);
console.log(`  answered by ${response.headers.get('x-switchyard-provider')}/${response.headers.get('x-switchyard-model')}`);

// 2. Stream, with the token usage in the last chunk.
const stream = await client.chat.completions.create({
  model,
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: 'user', content: 'Count from one to five.' }],
});
let streamed = '';
let usage: OpenAI.CompletionUsage | undefined | null;
for await (const chunk of stream) {
  streamed += chunk.choices[0]?.delta.content ?? '';
  usage = chunk.usage ?? usage;
}
console.log(`stream: ${streamed}`);
console.log(`  usage: ${usage?.total_tokens ?? 'not reported'} tokens`);

// 3. Tools: the model asks for a call, we run it and send the result back.
const tools: OpenAI.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];
const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
const first = await client.chat.completions.create({ model, messages, tools });
const assistant = first.choices[0]?.message;
const call = assistant?.tool_calls?.[0];
if (assistant !== undefined && call?.type === 'function') {
  console.log(`tool call: ${call.function.name}(${call.function.arguments})`);
  messages.push(assistant, { role: 'tool', tool_call_id: call.id, content: JSON.stringify({ sky: 'sunny', celsius: 21 }) });
  const second = await client.chat.completions.create({ model, messages, tools });
  console.log(`tool answer: ${second.choices[0]?.message.content}`);
} else {
  console.log(`tool: the model answered without a call: ${assistant?.content}`);
}

// 4. JSON mode (OpenAI requires the word "JSON" somewhere in the messages).
const json = await client.chat.completions.create({
  model,
  response_format: { type: 'json_object' },
  messages: [{ role: 'user', content: 'Reply with a JSON object with a "greeting" key.' }],
});
console.log(`json: ${JSON.stringify(JSON.parse(json.choices[0]?.message.content ?? 'null'))}`);

// 5. Embeddings, a batch of two.
const embeddings = await client.embeddings.create({ model: embeddingModel, input: ['first text', 'second text'] });
console.log(`embeddings: ${embeddings.data.length} vectors of ${embeddings.data[0]?.embedding.length} dimensions`);

// 6. The models this gateway serves (model groups and provider/model names).
const ids: string[] = [];
for await (const m of client.models.list()) ids.push(m.id);
console.log(`models: ${ids.length} (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`);

// 7. Errors keep OpenAI's envelope, so the SDK's error classes work.
try {
  await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] });
} catch (err) {
  if (!(err instanceof OpenAI.APIError)) throw err;
  console.log(`error: ${err.status} ${err.code ?? err.type}: ${err.message}`);
}
