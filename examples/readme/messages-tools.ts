// examples/readme/messages-tools.ts
import Anthropic from '@anthropic-ai/sdk';

// Anthropic's SDK with a tool, over a GPT model: the gateway's root URL (no /v1) and a gateway key.
const client = new Anthropic({ baseURL: process.env.SWITCHYARD_ROOT ?? 'http://localhost:4000', apiKey: process.env.SWITCHYARD_API_KEY ?? 'my-key' });
const model = process.env.MODEL ?? 'gpt-4o-mini';

const stream = client.messages.stream({
  model,
  max_tokens: 256,
  tools: [{ name: 'get_weather', description: 'Current weather in a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
  messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
});
stream.on('inputJson', (partial) => process.stdout.write(partial));
const message = await stream.finalMessage();
for (const block of message.content) {
  // `input` is parsed from the concatenated partial_json: the upstream's arguments, whole.
  if (block.type === 'tool_use') console.log(`\n${block.name}(${JSON.stringify(block.input)}) stop: ${message.stop_reason}`);
}
