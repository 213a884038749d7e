// examples/readme/team-key.ts
import OpenAI from 'openai';

// A virtual key (from /key/generate or `switchyard keys generate`) where a provider key would go.
// maxRetries 0 shows each refusal; with retries on, the SDK waits out a 429 and never retries a 402.
const client = new OpenAI({ baseURL: process.env.SWITCHYARD_URL ?? 'http://localhost:4000/v1', apiKey: process.env.SWITCHYARD_API_KEY ?? 'sk-…', maxRetries: 0 });
const model = process.env.MODEL ?? 'gpt-4o-mini';

for (let i = 1; i <= Number(process.env.CALLS ?? 3); i++) {
  try {
    const { data, response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hi.' }] }).withResponse();
    const cost = response.headers.get('x-switchyard-response-cost');
    console.log(`#${i} ${data.choices[0]?.message.content} ($${cost}, ${response.headers.get('x-ratelimit-remaining-requests') ?? '-'} requests left)`);
  } catch (err) {
    // 429 rate_limit_exceeded (retry after Retry-After) or 402 budget_exceeded (x-should-retry: false).
    if (!(err instanceof OpenAI.APIError)) throw err;
    console.log(`#${i} refused: ${err.code}: ${err.message}`);
  }
}
