/**
 * The Vercel AI SDK (`ai@6` with `@ai-sdk/openai`) against Switchyard: generateText, streamText,
 * a tool the SDK runs for the model, and embeddings.
 *
 * Note `openai.chat(model)`: @ai-sdk/openai v3 sends `openai(model)` to OpenAI's Responses API
 * (`/responses`); the gateway speaks Chat Completions, which `.chat()` selects.
 *
 * Run (with a gateway on :4000):
 *   node --import tsx examples/vercel-ai-sdk.ts [model]
 *
 * Environment:
 *   SWITCHYARD_URL      the gateway's OpenAI base URL (default http://localhost:4000/v1)
 *   SWITCHYARD_API_KEY  the gateway's master key
 *   MODEL               chat model, when not given as the first argument (default gpt-4o-mini)
 *   EMBEDDING_MODEL     embeddings model (default text-embedding-3-small)
 */
import { createOpenAI } from '@ai-sdk/openai';
import { embed, embedMany, generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';

const baseURL = process.env.SWITCHYARD_URL ?? 'http://localhost:4000/v1';
const apiKey = process.env.SWITCHYARD_API_KEY ?? 'no-key';
const modelName = process.argv[2] ?? process.env.MODEL ?? 'gpt-4o-mini';
const embeddingModel = process.env.EMBEDDING_MODEL ?? 'text-embedding-3-small';

// `name` labels the provider in the SDK's metadata; any model name the gateway serves works.
const switchyard = createOpenAI({ baseURL, apiKey, name: 'switchyard' });
const model = switchyard.chat(modelName);

// 1. generateText (maxRetries 0: the gateway already retries and falls back)
const generated = await generateText({ model, maxRetries: 0, prompt: 'Say hello in five words.' });
console.log(`generateText: ${generated.text}`);
console.log(`  usage: ${generated.usage.totalTokens ?? 'not reported'} tokens`);

// 2. streamText
const streamed = streamText({ model, maxRetries: 0, prompt: 'Count from one to five.' });
let text = '';
for await (const delta of streamed.textStream) text += delta;
console.log(`streamText: ${text}`);

// 3. A tool: the SDK calls `execute` when the model asks, sends the result back, and the model
//    answers (two steps).
const withTool = await generateText({
  model,
  maxRetries: 0,
  prompt: 'What is the weather in Paris?',
  tools: {
    get_weather: tool({
      description: 'Current weather in a city',
      inputSchema: jsonSchema<{ city: string }>({
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
      }),
      execute: async ({ city }) => ({ city, sky: 'sunny', celsius: 21 }),
    }),
  },
  stopWhen: stepCountIs(2),
});
const call = withTool.steps[0]?.toolCalls[0];
console.log(`tool call: ${call?.toolName}(${JSON.stringify(call?.input)})`);
console.log(`tool answer: ${withTool.text}`);

// 4. Embeddings
const { embeddings } = await embedMany({ model: switchyard.embedding(embeddingModel), maxRetries: 0, values: ['first text', 'second text'] });
const { embedding } = await embed({ model: switchyard.embedding(embeddingModel), maxRetries: 0, value: 'a question' });
console.log(`embeddings: ${embeddings.length} vectors of ${embeddings[0]?.length} dimensions; query vector of ${embedding.length}`);
