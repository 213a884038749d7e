import type { ServerResponse } from 'node:http';
import { sendJson, startMockServer, type MockServer, type RecordedRequest } from './server.ts';

/**
 * A strict mock of Cohere's v2 API (`POST /v2/chat`, `POST /v2/embed`, `POST /v2/rerank`, `GET /v1/models`), after
 * the API reference and the `cohere-ai` SDK's raw schemas. It rejects what Cohere rejects with
 * Cohere's `{ "message" }` bodies: a missing or wrong bearer key, a missing model, messages or
 * input_type, unknown fields, unknown roles, a tool result without a matching tool call,
 * tool_choice without tools, `p` out of range, images for a model without vision, over 96 texts.
 *
 * Answers are deterministic: chat content is `echo: <last user text>`; a tool call is made when
 * tool_choice is REQUIRED or the user says "weather"; "too long" in the prompt answers Cohere's
 * token-limit 400; "fail midstream" ends a stream with an error after some text.
 */
export interface MockCohereOptions {
  readonly apiKey?: string;
  readonly models?: readonly string[];
  /** Characters per streamed content-delta. */
  readonly chunkSize?: number;
  /** Write the SSE body in pieces of this many bytes (splits multi-byte characters). */
  readonly bytesPerWrite?: number;
}

export const mockCohereKey = 'co-mock-upstream-key-7890';
export const defaultCohereModels = ['command-r-plus-08-2024', 'command-a-03-2025', 'command-a-vision-07-2025', 'embed-english-v3.0', 'embed-v4.0', 'rerank-v3.5'];

type Json = Record<string, unknown>;

const chatFields = new Set([
  'model', 'messages', 'tools', 'strict_tools', 'documents', 'citation_options', 'response_format', 'safety_mode', 'max_tokens',
  'stop_sequences', 'temperature', 'seed', 'frequency_penalty', 'presence_penalty', 'k', 'p', 'logprobs', 'tool_choice', 'thinking',
  'priority', 'stream',
]);
const embedFields = new Set(['texts', 'images', 'model', 'input_type', 'inputs', 'max_tokens', 'output_dimension', 'embedding_types', 'truncate', 'priority']);
const inputTypes = new Set(['search_document', 'search_query', 'classification', 'clustering', 'image']);

const reject = (res: ServerResponse, message: string, status = 400): false => (sendJson(res, status, { id: 'mock-error-id', message }), false);

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return (content as Json[]).map((p) => (p.type === 'text' ? String(p.text) : p.type === 'image_url' ? '[image]' : '')).join('');
  return '';
}

function checkUnknown(body: Json, allowed: Set<string>, res: ServerResponse): boolean {
  for (const key of Object.keys(body)) {
    if (!allowed.has(key)) return reject(res, `invalid request: unknown field: parameter ${key} is not a valid field`);
  }
  return true;
}

function checkMessages(body: Json, res: ServerResponse): boolean {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return reject(res, 'invalid request: messages must contain at least one message');
  const callIds = new Set<string>();
  for (const [i, m] of (messages as Json[]).entries()) {
    switch (m.role) {
      case 'system':
      case 'user':
        if (typeof m.content !== 'string' && !Array.isArray(m.content)) return reject(res, `invalid request: messages[${i}].content is required`);
        for (const part of Array.isArray(m.content) ? (m.content as Json[]) : []) {
          if (part.type === 'image_url') {
            if (m.role === 'system') return reject(res, `invalid request: messages[${i}]: system messages take text only`);
            if (!String(body.model).includes('vision')) return reject(res, `invalid request: model '${String(body.model)}' does not support image inputs`);
            if (typeof (part.image_url as Json | undefined)?.url !== 'string') return reject(res, `invalid request: messages[${i}].content: image_url.url is required`);
          } else if (part.type !== 'text' || typeof part.text !== 'string') {
            return reject(res, `invalid request: messages[${i}].content: invalid content type '${String(part.type)}'`);
          }
        }
        break;
      case 'assistant': {
        const calls = (m.tool_calls as Json[] | undefined) ?? [];
        if (m.content === undefined && calls.length === 0) return reject(res, `invalid request: messages[${i}]: assistant message must have content or tool_calls`);
        for (const call of calls) {
          const fn = call.function as Json | undefined;
          if (typeof call.id !== 'string' || call.type !== 'function' || typeof fn?.name !== 'string') {
            return reject(res, `invalid request: messages[${i}].tool_calls: id, type 'function' and function.name are required`);
          }
          try {
            JSON.parse(String(fn.arguments));
          } catch {
            return reject(res, `invalid request: messages[${i}].tool_calls: function.arguments must be valid JSON`);
          }
          callIds.add(call.id);
        }
        break;
      }
      case 'tool':
        if (typeof m.tool_call_id !== 'string' || !callIds.has(m.tool_call_id)) {
          return reject(res, `invalid request: messages[${i}]: tool message with tool_call_id '${String(m.tool_call_id)}' has no matching tool call`);
        }
        break;
      default:
        return reject(res, `invalid request: messages[${i}].role '${String(m.role)}' must be one of: user, assistant, system, tool`);
    }
  }
  return true;
}

function checkChat(body: Json, res: ServerResponse): boolean {
  if (!checkUnknown(body, chatFields, res)) return false;
  if (!checkMessages(body, res)) return false;
  const tools = body.tools as Json[] | undefined;
  for (const [i, t] of (tools ?? []).entries()) {
    const fn = t.function as Json | undefined;
    if (t.type !== 'function' || typeof fn?.name !== 'string' || typeof fn.parameters !== 'object' || fn.parameters === null) {
      return reject(res, `invalid request: tools[${i}]: type 'function', function.name and function.parameters are required`);
    }
  }
  if (body.tool_choice !== undefined) {
    if (body.tool_choice !== 'REQUIRED' && body.tool_choice !== 'NONE') return reject(res, "invalid request: tool_choice must be one of 'REQUIRED', 'NONE'");
    if ((tools ?? []).length === 0) return reject(res, 'invalid request: tool_choice requires tools to be provided');
  }
  if (body.p !== undefined && (typeof body.p !== 'number' || body.p < 0.01 || body.p > 0.99)) return reject(res, 'invalid request: p must be between 0.01 and 0.99');
  const format = body.response_format as Json | undefined;
  if (format !== undefined && format.type !== 'text' && format.type !== 'json_object') return reject(res, "invalid request: response_format.type must be 'text' or 'json_object'");
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return reject(res, 'invalid request: stream must be a boolean');
  return true;
}

interface Answer {
  text: string;
  plan: string;
  calls: { id: string; name: string; args: string }[];
  finish: 'COMPLETE' | 'MAX_TOKENS' | 'TOOL_CALL';
}

function answerChat(body: Json): Answer {
  const messages = body.messages as Json[];
  const last = messages[messages.length - 1] as Json;
  const lastUser = textOf([...messages].reverse().find((m) => m.role === 'user')?.content);
  const tools = (body.tools as Json[] | undefined) ?? [];
  const wantsTool = tools.length > 0 && last.role !== 'tool' && body.tool_choice !== 'NONE' && (body.tool_choice === 'REQUIRED' || /weather/i.test(lastUser));
  if (wantsTool) {
    const name = String((tools[0]?.function as Json).name);
    const params = (tools[0]?.function as Json).parameters as Json;
    const args = Object.keys((params.properties as Json | undefined) ?? {}).length === 0 ? '{}' : '{"city":"Paris"}';
    return { text: '', plan: `I will call ${name}.`, calls: [{ id: `${name}_mock1`, name, args }], finish: 'TOOL_CALL' };
  }
  const base = last.role === 'tool' ? `tool result: ${textOf(last.content)}` : `echo: ${lastUser}`;
  const json = (body.response_format as Json | undefined)?.type === 'json_object';
  const text = json ? JSON.stringify({ echo: base }) : base;
  const max = body.max_tokens as number | undefined;
  if (typeof max === 'number' && max < text.length / 4) return { text: text.slice(0, max * 4), plan: '', calls: [], finish: 'MAX_TOKENS' };
  return { text, plan: '', calls: [], finish: 'COMPLETE' };
}

const tokens = (s: string): number => Math.ceil(s.length / 4);

function usage(body: Json, a: Answer): Json {
  const input = tokens(JSON.stringify(body.messages));
  const output = tokens(a.text + a.plan) + a.calls.length * 8;
  return { billed_units: { input_tokens: input, output_tokens: output }, tokens: { input_tokens: input + 64, output_tokens: output } };
}

function chatResponse(body: Json, a: Answer): Json {
  const message: Json = { role: 'assistant' };
  if (a.calls.length > 0) {
    message.tool_plan = a.plan;
    message.tool_calls = a.calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } }));
  } else {
    message.content = [{ type: 'text', text: a.text }];
  }
  return { id: 'c14c80c3-18eb-4519-9460-6c92edd8cfb4', finish_reason: a.finish, message, usage: usage(body, a) };
}

function streamEvents(body: Json, a: Answer, chunkSize: number): Json[] {
  const events: Json[] = [
    { id: 'c14c80c3-18eb-4519-9460-6c92edd8cfb4', type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } },
  ];
  if (a.calls.length > 0) {
    for (let i = 0; i < a.plan.length; i += chunkSize) events.push({ type: 'tool-plan-delta', delta: { message: { tool_plan: a.plan.slice(i, i + chunkSize) } } });
    a.calls.forEach((c, index) => {
      events.push({ type: 'tool-call-start', index, delta: { message: { tool_calls: { id: c.id, type: 'function', function: { name: c.name, arguments: '' } } } } });
      // Cohere streams no delta for a call without arguments: the gateway must still give `{}`.
      if (c.args !== '{}') {
        for (let i = 0; i < c.args.length; i += 5) events.push({ type: 'tool-call-delta', index, delta: { message: { tool_calls: { function: { arguments: c.args.slice(i, i + 5) } } } } });
      }
      events.push({ type: 'tool-call-end', index });
    });
  } else {
    events.push({ type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } });
    const chars = [...a.text];
    for (let i = 0; i < chars.length; i += chunkSize) {
      events.push({ type: 'content-delta', index: 0, delta: { message: { content: { text: chars.slice(i, i + chunkSize).join('') } } } });
    }
    events.push({ type: 'content-end', index: 0 });
  }
  if (/fail midstream/i.test(JSON.stringify(body.messages))) {
    events.push({ type: 'message-end', delta: { error: 'internal server error: the model failed mid-generation', finish_reason: 'ERROR' } });
  } else {
    events.push({ type: 'message-end', delta: { finish_reason: a.finish, usage: usage(body, a) } });
  }
  return events;
}

async function stream(res: ServerResponse, events: Json[], bytesPerWrite: number | undefined): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const text = events.map((e) => `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`).join('');
  const bytes = Buffer.from(text, 'utf8');
  const step = bytesPerWrite ?? bytes.length;
  for (let i = 0; i < bytes.length; i += step) {
    if (res.destroyed) return;
    res.write(bytes.subarray(i, i + step));
    // Let each piece leave as its own read on the other side.
    if (bytesPerWrite !== undefined) await new Promise((r) => setTimeout(r, 1));
  }
  res.end();
}

/** A deterministic unit vector per text, so tests can tell texts apart after batching. */
export function mockCohereVector(text: string, dimensions = 8): number[] {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 16777619);
  return Array.from({ length: dimensions }, (_, i) => Math.fround((((h >>> (i % 24)) & 0xff) - 128) / 256));
}

function embed(body: Json, res: ServerResponse): void {
  if (!checkUnknown(body, embedFields, res)) return;
  if (!inputTypes.has(String(body.input_type))) return void reject(res, 'invalid request: valid input_type must be provided with the provided model');
  const texts = body.texts;
  if (!Array.isArray(texts) || texts.length === 0 || !texts.every((t) => typeof t === 'string')) return void reject(res, 'invalid request: texts must be a non-empty array of strings');
  if (texts.length > 96) return void reject(res, `invalid request: texts must have at most 96 items, got ${texts.length}`);
  const types = (body.embedding_types as string[] | undefined) ?? ['float'];
  if (!types.every((t) => ['float', 'int8', 'uint8', 'binary', 'ubinary', 'base64'].includes(t))) return void reject(res, 'invalid request: invalid embedding_types');
  const dims = body.output_dimension as number | undefined;
  if (dims !== undefined && (!String(body.model).startsWith('embed-v4') || ![256, 512, 1024, 1536].includes(dims))) {
    return void reject(res, 'invalid request: output_dimension is only supported for embed-v4.0 and newer, with 256, 512, 1024 or 1536');
  }
  const vectors = (texts as string[]).map((t) => mockCohereVector(t, dims === undefined ? 8 : dims / 64));
  const input = (texts as string[]).reduce((s, t) => s + tokens(t), 0);
  sendJson(res, 200, {
    id: 'da6e531f-54c6-4a73-bf92-f60566d8d753',
    embeddings: types.includes('float') ? { float: vectors } : {},
    texts,
    meta: { api_version: { version: '2' }, billed_units: { input_tokens: input } },
    response_type: 'embeddings_by_type',
  });
}

const rerankFields = new Set(['model', 'query', 'documents', 'top_n', 'max_tokens_per_doc', 'priority']);

/** How many of the query's words a document contains: the mock's relevance, so tests can predict the order. */
function overlap(query: string, doc: string): number {
  const words = new Set(doc.toLowerCase().split(/\W+/));
  const terms = query.toLowerCase().split(/\W+/).filter((w) => w !== '');
  return terms.length === 0 ? 0 : terms.filter((w) => words.has(w)).length / terms.length;
}

/** `POST /v2/rerank`: documents (strings) ordered by relevance, `top_n` of them. */
function rerank(body: Json, res: ServerResponse): void {
  if (!checkUnknown(body, rerankFields, res)) return;
  if (typeof body.query !== 'string' || body.query === '') return void reject(res, 'invalid request: query must be a non-empty string');
  const docs = body.documents;
  if (!Array.isArray(docs) || docs.length === 0 || !docs.every((d) => typeof d === 'string')) {
    return void reject(res, 'invalid request: documents must be a non-empty list of strings');
  }
  const topN = body.top_n ?? docs.length;
  if (typeof topN !== 'number' || !Number.isInteger(topN) || topN < 1) return void reject(res, 'invalid request: top_n must be a positive integer');
  const query = body.query;
  const results = (docs as string[])
    .map((doc, index) => ({ index, relevance_score: Math.round(overlap(query, doc) * 1000) / 1000 }))
    .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
    .slice(0, topN);
  sendJson(res, 200, { id: 'rerank-mock', results, meta: { api_version: { version: '2' }, billed_units: { search_units: 1 } } });
}

export async function startMockCohere(options: MockCohereOptions = {}): Promise<MockServer> {
  const apiKey = options.apiKey ?? mockCohereKey;
  const models = new Set(options.models ?? defaultCohereModels);
  const chunkSize = options.chunkSize ?? 3;

  return startMockServer(async (req: RecordedRequest, res) => {
    const auth = req.headers.authorization;
    if (auth === undefined) return void reject(res, 'no api key supplied', 401);
    if (auth !== `Bearer ${apiKey}`) return void reject(res, 'invalid api token', 401);
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        models: [...models].map((name) => ({
          name,
          endpoints: name.startsWith('embed') ? ['embed'] : ['chat'],
          finetuned: false,
          context_length: 128000,
          is_deprecated: false,
        })),
        next_page_token: null,
      });
    }
    if (req.method !== 'POST' || (path !== '/v2/chat' && path !== '/v2/embed' && path !== '/v2/rerank')) return void reject(res, `route ${req.method} ${req.url} not found`, 404);
    if (req.json === undefined || typeof req.json !== 'object') return void reject(res, 'invalid request: could not parse request body as JSON');
    const body = req.json as Json;
    if (typeof body.model !== 'string') return void reject(res, 'invalid request: model must be provided');
    if (!models.has(body.model)) {
      return void reject(res, `model '${body.model}' not found, make sure the correct model ID was used and that you have access to the model.`, 404);
    }
    if (path === '/v2/embed') return embed(body, res);
    if (path === '/v2/rerank') return rerank(body, res);
    if (!checkChat(body, res)) return;
    if (/too long/i.test(JSON.stringify(body.messages))) {
      return void reject(res, 'too many tokens: total number of tokens in the prompt cannot exceed 4081 - received 5000. Try using a shorter prompt or a shorter max_tokens value.');
    }
    const answer = answerChat(body);
    if (body.stream === true) return stream(res, streamEvents(body, answer, chunkSize), options.bytesPerWrite);
    sendJson(res, 200, chatResponse(body, answer));
  });
}
