import type { ServerResponse } from 'node:http';
import { formModel, mediaRoute, multipartPaths } from './openai-media.ts';
import { MockResponses } from './openai-responses.ts';
import { sendJson, startMockServer, type MockServer, type RecordedRequest } from './server.ts';

/**
 * A strict mock of OpenAI's API (chat, completions, embeddings, models; images, audio and
 * moderations in `openai-media.ts`; the Responses API in `openai-responses.ts`), shaped after the API
 * reference and the `openai` SDK's types: it rejects what the real API rejects (bad key, missing
 * model or messages, unknown roles, orphan tool messages, `stream_options` without `stream`,
 * `json_object` without the word JSON) with OpenAI's error envelope and status.
 *
 * Answers are deterministic: chat content is `echo: <last user text>`; a tool call is made when
 * `tool_choice` demands one or the user says "weather"; embeddings are derived from the input.
 */
export interface MockOpenAIOptions {
  readonly apiKey?: string;
  readonly models?: readonly string[];
  /** Characters per streamed content chunk. */
  readonly chunkSize?: number;
  /** Pause between stream chunks, ms. */
  readonly chunkGapMs?: number;
  /** Path prefix the API lives under (OpenAI: `/v1`). */
  readonly prefix?: string;
}

export const defaultMockModels = [
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-3.5-turbo-instruct',
  'text-embedding-3-small',
  'o3-mini',
  'dall-e-3',
  'gpt-image-1',
  'tts-1',
  'whisper-1',
  'omni-moderation-latest',
];

type Json = Record<string, unknown>;

const roles = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

function invalid(res: ServerResponse, message: string, param: string | null, code: string | null = null, status = 400): void {
  sendJson(res, status, { error: { message, type: 'invalid_request_error', param, code } });
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p: Json) => (p.type === 'text' ? String(p.text) : p.type === 'image_url' ? '[image]' : '')).join('');
  }
  return '';
}

/** Checks a chat request as OpenAI does; returns false after answering 400. */
function checkChat(body: Json, res: ServerResponse): boolean {
  const messages = body.messages;
  if (!Array.isArray(messages)) return invalid(res, "Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter'), false;
  if (messages.length === 0) return invalid(res, "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array'), false;
  let pendingToolCalls = new Set<string>();
  for (const [i, m] of (messages as Json[]).entries()) {
    if (!roles.has(String(m.role))) {
      return invalid(res, `Invalid value: '${String(m.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`, `messages[${i}].role`, 'invalid_value'), false;
    }
    if (m.role === 'tool') {
      if (typeof m.tool_call_id !== 'string' || !pendingToolCalls.has(m.tool_call_id)) {
        return invalid(res, "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", `messages.[${i}].role`), false;
      }
    } else {
      pendingToolCalls = new Set();
    }
    if (m.role === 'assistant' && Array.isArray(m.tool_calls)) {
      pendingToolCalls = new Set((m.tool_calls as Json[]).map((t) => String(t.id)));
    }
  }
  if (body.stream_options != null && body.stream !== true) {
    return invalid(res, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options'), false;
  }
  const n = body.n ?? 1;
  if (typeof n !== 'number' || n < 1 || n > 128) return invalid(res, `Invalid 'n': must be between 1 and 128.`, 'n'), false;
  for (const [i, t] of ((body.tools as Json[] | undefined) ?? []).entries()) {
    const fn = t.function as Json | undefined;
    if (t.type !== 'function' || typeof fn?.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(fn.name)) {
      return invalid(res, `Invalid 'tools[${i}].function.name': string does not match pattern.`, `tools[${i}].function.name`, 'invalid_value'), false;
    }
  }
  const format = body.response_format as Json | undefined;
  if (format?.type === 'json_object' && !(messages as Json[]).some((m) => /json/i.test(textOf(m.content)))) {
    return invalid(res, "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", 'messages'), false;
  }
  return true;
}

interface ChatAnswer {
  content: string | null;
  toolCalls: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  finish: 'stop' | 'tool_calls' | 'length';
}

function answerChat(body: Json, choiceIndex: number): ChatAnswer {
  const messages = body.messages as Json[];
  const last = messages[messages.length - 1] as Json;
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const text = last.role === 'tool' ? `tool result: ${textOf(last.content)}` : `echo: ${textOf(lastUser?.content)}`;
  const tools = (body.tools as Json[] | undefined) ?? [];
  const choice = body.tool_choice as string | Json | undefined;
  const wantsTool =
    tools.length > 0 &&
    last.role !== 'tool' &&
    choice !== 'none' &&
    (choice === 'required' || typeof choice === 'object' || /weather/i.test(textOf(lastUser?.content)));
  if (wantsTool) {
    const named = typeof choice === 'object' ? String((choice.function as Json).name) : undefined;
    const fn = (tools.find((t) => (t.function as Json).name === named) ?? tools[0]) as Json;
    const name = String((fn.function as Json).name);
    return {
      content: null,
      toolCalls: [{ id: `call_${choiceIndex}_${name}`, type: 'function', function: { name, arguments: '{"city":"Paris"}' } }],
      finish: 'tool_calls',
    };
  }
  const format = body.response_format as Json | undefined;
  let content = format?.type === 'json_object' || format?.type === 'json_schema' ? JSON.stringify({ echo: text }) : text;
  if (choiceIndex > 0) content = `${content} (${choiceIndex})`;
  const max = (body.max_completion_tokens ?? body.max_tokens) as number | undefined;
  if (typeof max === 'number' && max < content.length / 4) return { content: content.slice(0, max * 4), toolCalls: [], finish: 'length' };
  return { content, toolCalls: [], finish: 'stop' };
}

const promptTokens = (body: Json): number => Math.ceil(JSON.stringify(body.messages ?? body.prompt ?? body.input ?? '').length / 4);
const tokens = (s: string | null): number => (s === null ? 0 : Math.ceil(s.length / 4));

function chatCompletion(body: Json): Json {
  const n = (body.n as number | undefined) ?? 1;
  const answers = Array.from({ length: n }, (_, i) => answerChat(body, i));
  const completion = answers.reduce((sum, a) => sum + tokens(a.content) + a.toolCalls.length * 8, 0);
  const prompt = promptTokens(body);
  return {
    id: 'chatcmpl-mock',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: body.model,
    system_fingerprint: 'fp_mock',
    choices: answers.map((a, index) => ({
      index,
      message: { role: 'assistant', content: a.content, refusal: null, ...(a.toolCalls.length > 0 ? { tool_calls: a.toolCalls } : {}) },
      logprobs: null,
      finish_reason: a.finish,
    })),
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
  };
}

function chunkOf(body: Json, choices: Json[]): Json {
  return { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1_700_000_000, model: body.model, system_fingerprint: 'fp_mock', choices };
}

async function streamChat(body: Json, res: ServerResponse, chunkSize: number, gapMs: number): Promise<void> {
  const full = chatCompletion(body);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const events: Json[] = [];
  for (const choice of full.choices as Json[]) {
    const index = choice.index;
    const message = choice.message as Json;
    events.push(chunkOf(body, [{ index, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]));
    const content = message.content as string | null;
    for (let i = 0; content !== null && i < content.length; i += chunkSize) {
      events.push(chunkOf(body, [{ index, delta: { content: content.slice(i, i + chunkSize) }, logprobs: null, finish_reason: null }]));
    }
    for (const [k, call] of ((message.tool_calls as Json[] | undefined) ?? []).entries()) {
      const fn = call.function as Json;
      events.push(chunkOf(body, [{ index, delta: { tool_calls: [{ index: k, id: call.id, type: 'function', function: { name: fn.name, arguments: '' } }] }, logprobs: null, finish_reason: null }]));
      const args = String(fn.arguments);
      for (let i = 0; i < args.length; i += 5) {
        events.push(chunkOf(body, [{ index, delta: { tool_calls: [{ index: k, function: { arguments: args.slice(i, i + 5) } }] }, logprobs: null, finish_reason: null }]));
      }
    }
    events.push(chunkOf(body, [{ index, delta: {}, logprobs: null, finish_reason: choice.finish_reason }]));
  }
  const includeUsage = (body.stream_options as Json | undefined)?.include_usage === true;
  if (includeUsage) events.push({ ...chunkOf(body, []), usage: full.usage });
  for (const event of events) {
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify(event)}\n\n`);
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
  }
  res.end('data: [DONE]\n\n');
}

function completion(body: Json): Json {
  const prompt = Array.isArray(body.prompt) ? String(body.prompt[0]) : String(body.prompt ?? '');
  const n = (body.n as number | undefined) ?? 1;
  const text = ` completed: ${prompt}`;
  return {
    id: 'cmpl-mock',
    object: 'text_completion',
    created: 1_700_000_000,
    model: body.model,
    choices: Array.from({ length: n }, (_, index) => ({ index, text, logprobs: null, finish_reason: 'stop' })),
    usage: { prompt_tokens: tokens(prompt), completion_tokens: tokens(text) * n, total_tokens: tokens(prompt) + tokens(text) * n },
  };
}

/** A deterministic vector for an input, so tests can tell inputs apart after merging. */
export function mockVector(input: string, dimensions = 8): number[] {
  let h = 2166136261;
  for (const ch of input) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 16777619);
  return Array.from({ length: dimensions }, (_, i) => (((h >>> (i % 24)) & 0xff) + i) / 256);
}

function embeddings(body: Json, res: ServerResponse): void {
  const input = body.input;
  const inputs = typeof input === 'string' ? [input] : Array.isArray(input) ? input : undefined;
  if (inputs === undefined || inputs.length === 0) return invalid(res, "'input' : input must be a string or an array of strings", 'input');
  if (inputs.length > 2048) return invalid(res, "'input' : maximum 2048 inputs", 'input');
  const dims = (body.dimensions as number | undefined) ?? 8;
  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((text, index) => {
    const vector = mockVector(typeof text === 'string' ? text : JSON.stringify(text), dims);
    const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  const used = inputs.reduce((s: number, t: unknown) => s + tokens(String(t)), 0);
  sendJson(res, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens: used, total_tokens: used } });
}

export async function startMockOpenAI(options: MockOpenAIOptions = {}): Promise<MockServer> {
  const apiKey = options.apiKey ?? 'sk-mock-upstream-key-123456';
  const models = new Set(options.models ?? defaultMockModels);
  const prefix = options.prefix ?? '/v1';
  const chunkSize = options.chunkSize ?? 4;
  const gapMs = options.chunkGapMs ?? 0;
  const responses = new MockResponses(models);

  return startMockServer(async (req: RecordedRequest, res) => {
    const auth = req.headers.authorization;
    if (auth !== `Bearer ${apiKey}`) {
      // The real API echoes a masked key; we echo it whole, so tests prove the gateway scrubs it.
      const given = auth?.replace(/^Bearer /, '') ?? '';
      return sendJson(res, 401, {
        error: { message: `Incorrect API key provided: ${given}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
      });
    }
    const path = req.url.startsWith(prefix) ? req.url.slice(prefix.length) : req.url;
    if (req.method === 'GET' && path === '/models') {
      return sendJson(res, 200, { object: 'list', data: [...models].map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'openai' })) });
    }
    const asResponses = responses.handle(path, req, res);
    if (asResponses !== false) return asResponses === true ? undefined : asResponses;
    if (req.method !== 'POST') return invalid(res, `Invalid URL (${req.method} ${req.url})`, null, null, 404);
    if (multipartPaths.has(path)) {
      const model = formModel(req);
      if (model !== undefined && !models.has(model)) {
        return sendJson(res, 404, { error: { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' } });
      }
      return void mediaRoute(path, req, res, gapMs);
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json') || req.json === undefined) {
      return invalid(res, 'We could not parse the JSON body of your request.', null);
    }
    const body = req.json as Json;
    if (typeof body.model !== 'string') return invalid(res, 'you must provide a model parameter', null);
    if (!models.has(body.model)) {
      return sendJson(res, 404, { error: { message: `The model \`${body.model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' } });
    }
    if (path === '/chat/completions') {
      if (!checkChat(body, res)) return;
      if (body.stream === true) return streamChat(body, res, chunkSize, gapMs);
      return sendJson(res, 200, chatCompletion(body));
    }
    if (path === '/completions') {
      if (body.prompt === undefined) return invalid(res, "Missing required parameter: 'prompt'.", 'prompt');
      const full = completion(body);
      if (body.stream !== true) return sendJson(res, 200, full);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const choice of full.choices as Json[]) res.write(`data: ${JSON.stringify({ ...full, choices: [choice], usage: undefined })}\n\n`);
      return void res.end('data: [DONE]\n\n');
    }
    if (path === '/embeddings') return embeddings(body, res);
    const media = mediaRoute(path, req, res, gapMs);
    if (media !== false) return media === true ? undefined : media;
    return invalid(res, `Invalid URL (POST ${req.url})`, null, null, 404);
  });
}

export const mockOpenAIKey = 'sk-mock-upstream-key-123456';
