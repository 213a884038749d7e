/**
 * Same code, any model: one script, written for OpenAI with the official `openai` SDK, that runs
 * unchanged against every provider behind the gateway. Only the model name differs.
 *
 * Features, each checked on the answer's shape (not its wording, which differs per model):
 *   chat      a plain answer, with the deployment that served it
 *   stream    streamed content, a finish_reason, and usage in the last chunk (include_usage)
 *   tools     a tool call, its result sent back, the final answer; the same call streamed
 *   json      response_format json_object gives a JSON object in message.content
 *   n=2       two indexed choices, non-streamed and streamed
 *   vision    a small PNG as a data: URL
 *   embed     two vectors of one length (skipped when no embedding model is given)
 *
 * Run (with a gateway on :4000):
 *   node --import tsx examples/same-code-any-model.ts gpt-4o text-embedding-3-small
 *   node --import tsx examples/same-code-any-model.ts claude-3-5-sonnet-20241022
 *
 * Arguments: <model> [embedding model]. Environment:
 *   SWITCHYARD_URL      the gateway's OpenAI base URL (default http://localhost:4000/v1)
 *   SWITCHYARD_API_KEY  the gateway's master key
 *   VISION_MODEL        model for the vision step, for providers whose vision models are separate
 *                       (Cohere: command-a-vision-07-2025); default: <model>
 *
 * Prints one line per feature and a summary; exits 1 if any feature failed (after trying all).
 */
import OpenAI from 'openai';

const baseURL = process.env.SWITCHYARD_URL ?? 'http://localhost:4000/v1';
const apiKey = process.env.SWITCHYARD_API_KEY ?? 'no-key';
const model: string = process.argv[2] ?? usage();
const embeddingModel = process.argv[3];
const visionModel = process.env.VISION_MODEL || model;

// The gateway retries and falls back itself; SDK retries on top would multiply the calls.
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 20_000 });

/** A 1×1 PNG. */
const png =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

function usage(): never {
  console.error('usage: same-code-any-model.ts <model> [embedding-model]');
  process.exit(2);
}

class Check extends Error {}

/** Fails the current feature with a reason. */
function need(condition: unknown, reason: string): asserts condition {
  if (!condition) throw new Check(reason);
}

const show = (text: string | null | undefined): string => JSON.stringify((text ?? '').slice(0, 60));

async function chat(): Promise<string> {
  const { data, response } = await client.chat.completions
    .create({ model, max_tokens: 200, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Name one planet.' }] })
    .withResponse();
  const choice = data.choices[0];
  need(typeof choice?.message.content === 'string' && choice.message.content !== '', 'no content');
  need(choice.finish_reason === 'stop', `finish_reason ${choice.finish_reason}`);
  need(data.usage !== undefined && data.usage.total_tokens > 0, 'no usage');
  const servedBy = `${response.headers.get('x-switchyard-provider')}/${response.headers.get('x-switchyard-model')}`;
  return `${show(choice.message.content)} from ${servedBy}`;
}

async function stream(): Promise<string> {
  const chunks = await client.chat.completions.create({
    model,
    max_tokens: 200,
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Name one star.' }],
  });
  let text = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  let count = 0;
  for await (const chunk of chunks) {
    count++;
    text += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  need(text !== '', 'no streamed content');
  need(finish === 'stop', `finish_reason ${finish}`);
  need(usage !== undefined && usage.total_tokens > 0, 'no usage chunk');
  return `${show(text)} in ${count} chunks, ${usage.total_tokens} tokens`;
}

async function tools(): Promise<string> {
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const first = await client.chat.completions.create({ model, max_tokens: 200, messages, tools: [weatherTool] });
  const asked = first.choices[0];
  const call = asked?.message.tool_calls?.[0];
  need(asked?.finish_reason === 'tool_calls', `finish_reason ${asked?.finish_reason}`);
  need(call?.type === 'function' && call.function.name === 'get_weather', 'no get_weather call');
  need(typeof JSON.parse(call.function.arguments) === 'object', 'arguments are not a JSON object');
  messages.push(asked.message, { role: 'tool', tool_call_id: call.id, content: JSON.stringify({ sky: 'sunny', celsius: 21 }) });
  const second = await client.chat.completions.create({ model, max_tokens: 200, messages, tools: [weatherTool] });
  const answer = second.choices[0]?.message;
  need(typeof answer?.content === 'string' && answer.content !== '', 'no answer after the tool result');
  need((answer.tool_calls ?? []).length === 0, 'called a tool again');

  // The same first turn, streamed: argument deltas assemble under one index and one id.
  const streamed = await client.chat.completions.create({ model, max_tokens: 200, stream: true, messages: messages.slice(0, 1), tools: [weatherTool] });
  const calls = new Map<number, { id?: string; name: string; args: string }>();
  let finish: string | null = null;
  for await (const chunk of streamed) {
    for (const d of chunk.choices[0]?.delta.tool_calls ?? []) {
      const seen = calls.get(d.index) ?? { name: '', args: '' };
      need(d.id === undefined || seen.id === undefined || d.id === seen.id, 'the id changed within a streamed call');
      calls.set(d.index, { id: seen.id ?? d.id, name: seen.name + (d.function?.name ?? ''), args: seen.args + (d.function?.arguments ?? '') });
    }
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  const s = calls.get(0);
  need(s?.id !== undefined && s.name === 'get_weather', 'no streamed get_weather call');
  need(typeof JSON.parse(s.args) === 'object', 'streamed arguments are not a JSON object');
  need(finish === 'tool_calls', `streamed finish_reason ${finish}`);
  return `${call.function.name}(${call.function.arguments}) -> ${show(answer.content)}; streamed ${s.name}(${s.args})`;
}

async function json(): Promise<string> {
  const res = await client.chat.completions.create({
    model,
    max_tokens: 200,
    response_format: { type: 'json_object' },
    messages: [{ role: 'user', content: 'Reply with a JSON object with a "greeting" key.' }],
  });
  const content = res.choices[0]?.message.content ?? '';
  const parsed: unknown = JSON.parse(content);
  need(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed), 'not a JSON object');
  need(res.choices[0]?.finish_reason === 'stop', `finish_reason ${res.choices[0]?.finish_reason}`);
  return JSON.stringify(parsed).slice(0, 60);
}

async function twoChoices(): Promise<string> {
  const res = await client.chat.completions.create({ model, n: 2, max_tokens: 200, messages: [{ role: 'user', content: 'Name a colour.' }] });
  need(res.choices.length === 2, `${res.choices.length} choices`);
  need(res.choices.map((c) => c.index).join() === '0,1', 'choices are not indexed 0 and 1');
  need(res.choices.every((c) => typeof c.message.content === 'string' && c.message.content !== ''), 'a choice has no content');
  const chunks = await client.chat.completions.create({ model, n: 2, max_tokens: 200, stream: true, messages: [{ role: 'user', content: 'Name a fruit.' }] });
  const texts = ['', ''];
  for await (const chunk of chunks) {
    for (const c of chunk.choices) {
      need(c.index === 0 || c.index === 1, `streamed choice index ${c.index}`);
      texts[c.index] += c.delta.content ?? '';
    }
  }
  need(texts.every((t) => t !== ''), 'a streamed choice has no content');
  return `${res.choices.map((c) => show(c.message.content)).join(' | ')}; streamed ${texts.map((t) => show(t)).join(' | ')}`;
}

async function vision(): Promise<string> {
  const res = await client.chat.completions.create({
    model: visionModel,
    max_tokens: 200,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this image?' }, { type: 'image_url', image_url: { url: png } }] }],
  });
  const content = res.choices[0]?.message.content;
  need(typeof content === 'string' && content !== '', 'no content');
  return `${show(content)}${visionModel === model ? '' : ` (${visionModel})`}`;
}

async function embed(): Promise<string> {
  need(embeddingModel !== undefined, 'no embedding model');
  const res = await client.embeddings.create({ model: embeddingModel, input: ['first text', 'second text'] });
  need(res.data.length === 2, `${res.data.length} vectors`);
  need(res.data.map((d) => d.index).join() === '0,1', 'vectors are not indexed 0 and 1');
  const dims = res.data[0]?.embedding.length ?? 0;
  need(dims > 0 && res.data.every((d) => d.embedding.length === dims), 'vectors differ in length');
  return `2 vectors of ${dims} dimensions from ${embeddingModel}`;
}

const features: [string, () => Promise<string>][] = [
  ['chat', chat],
  ['stream', stream],
  ['tools', tools],
  ['json', json],
  ['n=2', twoChoices],
  ['vision', vision],
  ['embed', embed],
];

let passed = 0;
let failed = 0;
let skipped = 0;
for (const [name, run] of features) {
  const label = name.padEnd(7);
  if (name === 'embed' && embeddingModel === undefined) {
    skipped++;
    console.log(`${label} skip  no embedding model given`);
    continue;
  }
  try {
    console.log(`${label} ok    ${await run()}`);
    passed++;
  } catch (err) {
    failed++;
    const reason =
      err instanceof OpenAI.APIError ? `${err.status} ${err.code ?? err.type}: ${err.message}` : err instanceof Error ? err.message : String(err);
    console.log(`${label} FAIL  ${reason}`);
  }
}
console.log(`${model}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed === 0 ? 0 : 1;
