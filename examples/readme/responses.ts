// examples/readme/responses.ts
import OpenAI from 'openai';

// The gateway's /v1 and key; `model` is any name it routes (a group, `provider/model`, `claude-…`).
const client = new OpenAI({ baseURL: process.env.SWITCHYARD_URL ?? 'http://localhost:4000/v1', apiKey: process.env.SWITCHYARD_API_KEY ?? 'my-key' });
const model = process.env.MODEL ?? 'claude-3-5-sonnet';

const first = await client.responses.create({ model, instructions: 'Be brief.', input: 'Name a prime number.' });
console.log(first.output_text);

// Stored by the gateway (30 days): continue it by id, streamed, on any instance sharing REDIS_URL.
const stream = client.responses.stream({ model, previous_response_id: first.id, input: 'And another one?' });
stream.on('response.output_text.delta', (event) => process.stdout.write(event.delta));
const second = await stream.finalResponse();
console.log(`\n${second.id}: ${second.usage?.total_tokens} tokens`);
