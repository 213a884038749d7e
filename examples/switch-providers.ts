/**
 * One piece of client code, many providers: only the `model` string changes. The gateway routes
 * `provider/model` names, model groups from its config, and bare names by provider naming
 * (`gpt-*` → OpenAI, `claude-*` → Anthropic, `gemini-*` → Gemini…), among the providers whose
 * credentials it has.
 *
 * Run (with a gateway on :4000):
 *   node --import tsx examples/switch-providers.ts gpt-4o-mini anthropic/claude-3-5-haiku-latest gemini-2.0-flash
 *
 * Environment:
 *   SWITCHYARD_URL      the gateway's OpenAI base URL (default http://localhost:4000/v1)
 *   SWITCHYARD_API_KEY  the gateway's master key
 *   MODELS              comma-separated models, when none are given as arguments (default gpt-4o-mini)
 *
 * Exits non-zero if any model failed, after trying them all.
 */
import OpenAI from 'openai';

const baseURL = process.env.SWITCHYARD_URL ?? 'http://localhost:4000/v1';
const apiKey = process.env.SWITCHYARD_API_KEY ?? 'no-key';
const fromArgs = process.argv.slice(2);
const models = fromArgs.length > 0 ? fromArgs : (process.env.MODELS ?? 'gpt-4o-mini').split(',').map((m) => m.trim());

const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });

/** The same request for every model: a question, then a streamed answer. */
async function ask(model: string): Promise<string> {
  const { data, response } = await client.chat.completions
    .create({ model, max_tokens: 100, messages: [{ role: 'user', content: 'Name one planet.' }] })
    .withResponse();
  const servedBy = `${response.headers.get('x-switchyard-provider')}/${response.headers.get('x-switchyard-model')}`;
  let streamed = '';
  const stream = await client.chat.completions.create({ model, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Name one star.' }] });
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
  return `${servedBy}: ${JSON.stringify(data.choices[0]?.message.content)} | stream: ${JSON.stringify(streamed)}`;
}

let failed = 0;
for (const model of models) {
  try {
    console.log(`${model} -> ${await ask(model)}`);
  } catch (err) {
    failed += 1;
    const reason = err instanceof OpenAI.APIError ? `${err.status} ${err.message}` : String(err);
    console.log(`${model} -> failed: ${reason}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
