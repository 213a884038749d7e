// examples/readme/responses-tools.ts
import OpenAI from 'openai';

// An agent on the Responses API with a tool, over a Claude model: only the base URL and key change.
const client = new OpenAI({ baseURL: process.env.SWITCHYARD_URL ?? 'http://localhost:4000/v1', apiKey: process.env.SWITCHYARD_API_KEY ?? 'my-key' });
const model = process.env.MODEL ?? 'claude-3-5-sonnet';
const getWeather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

const stream = client.responses.stream({ model, input: 'What is the weather in Paris?', tools: [getWeather] });
stream.on('response.function_call_arguments.delta', (event) => process.stdout.write(event.delta));
const response = await stream.finalResponse();
for (const item of response.output) {
  if (item.type !== 'function_call') continue;
  // Complete arguments: the streamed fragments, joined, are exactly what the model sent.
  const args = JSON.parse(item.arguments) as { city: string };
  console.log(`\n${item.name}(${JSON.stringify(args)}) call ${item.call_id}`);
}
