import type { ServerResponse } from 'node:http';
import { anthropicCountTokens } from './anthropic-count.ts';
import { sendJson, startMockServer, type Handler, type MockServer, type RecordedRequest } from './server.ts';

/**
 * A strict mock of Anthropic's Messages API (`POST /v1/messages`, `POST /v1/messages/count_tokens`
 * (see anthropic-count.ts), `GET /v1/models`), after the
 * API reference and the `@anthropic-ai/sdk` types. It rejects what the real API rejects, with
 * Anthropic's error body `{type:'error', error:{type, message}}`: a missing or wrong `x-api-key`,
 * a missing `anthropic-version`, a missing `max_tokens`, unknown top-level fields, roles other
 * than user/assistant (so `system` inside `messages`), a first message that is not the user's,
 * roles that do not alternate, empty text, a `tool_result` without its `tool_use` in the message
 * before (and the reverse), tool schemas that are not objects, forced tool use while thinking.
 *
 * Answers are deterministic. Text is `echo: <last user text>` (images noted as `[image:…]`);
 * after a tool result it is `tool result: <result>`. A tool is called when `tool_choice` forces
 * one or the user says "weather". Thinking adds a thinking block. Streams carry the documented
 * event sequence: message_start, content_block_start, ping, content_block_delta…,
 * content_block_stop, message_delta (stop_reason, usage), message_stop.
 */
export interface MockAnthropicOptions {
  readonly apiKey?: string;
  readonly models?: readonly string[];
  /** Characters per text delta, and per input_json_delta. */
  readonly chunkSize?: number;
  /** Write the SSE body in pieces of this many bytes (splits events and UTF-8 characters). */
  readonly byteChunk?: number;
  /** Send an `event: error` after this many content deltas, then close the stream. */
  readonly errorAfterDeltas?: { readonly deltas: number; readonly type: string; readonly message: string };
  /** Replace the answer text (e.g. to stream non-ASCII text). */
  readonly text?: string;
}

export const mockAnthropicKey = 'sk-ant-mock-upstream-key-123456';
export const defaultAnthropicModels = ['claude-3-5-sonnet-20241022', 'claude-3-5-haiku-20241022', 'claude-sonnet-4-20250514'];

type Json = Record<string, unknown>;

const topLevel = new Set([
  'model', 'messages', 'max_tokens', 'system', 'metadata', 'stop_sequences', 'stream', 'temperature', 'top_p', 'top_k',
  'tools', 'tool_choice', 'thinking', 'service_tier', 'container', 'mcp_servers', 'output_config',
]);
const imageTypes = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const userBlocks = new Set(['text', 'image', 'document', 'tool_result', 'search_result']);
const assistantBlocks = new Set(['text', 'tool_use', 'thinking', 'redacted_thinking']);

export function anthropicError(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { type: 'error', error: { type, message }, request_id: 'req_mock' }, { 'request-id': 'req_mock', ...headers });
}

const invalid = (res: ServerResponse, message: string): false => (anthropicError(res, 400, 'invalid_request_error', message), false);

function blocksOf(content: unknown): Json[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? (content as Json[]) : [];
}

function checkBlocks(m: Json, i: number, last: boolean, res: ServerResponse): boolean {
  if (typeof m.content === 'string') {
    if (m.content === '' && !(last && m.role === 'assistant')) {
      return invalid(res, `messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
    }
    return true;
  }
  if (!Array.isArray(m.content)) return invalid(res, `messages.${i}.content: Input should be a valid list`);
  if (m.content.length === 0 && !(last && m.role === 'assistant')) {
    return invalid(res, `messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
  }
  const allowed = m.role === 'user' ? userBlocks : assistantBlocks;
  for (const [j, b] of (m.content as Json[]).entries()) {
    const at = `messages.${i}.content.${j}`;
    if (!allowed.has(String(b.type))) return invalid(res, `${at}.type: Input tag '${String(b.type)}' found using 'type' does not match any of the expected tags`);
    if (b.type === 'text' && (typeof b.text !== 'string' || b.text === '')) return invalid(res, 'messages: text content blocks must be non-empty');
    if (b.type === 'image') {
      const src = b.source as Json | undefined;
      if (src?.type === 'base64') {
        if (!imageTypes.has(String(src.media_type))) return invalid(res, `${at}.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`);
        if (typeof src.data !== 'string' || src.data === '' || !/^[A-Za-z0-9+/]+=*$/.test(src.data)) return invalid(res, `${at}.source.base64.data: invalid base64 data`);
      } else if (src?.type === 'url') {
        if (typeof src.url !== 'string' || !/^https?:\/\//.test(src.url)) return invalid(res, `${at}.source.url.url: invalid URL`);
      } else return invalid(res, `${at}.source: Input tag '${String(src?.type)}' found using 'type' does not match any of the expected tags: 'base64', 'url', 'file'`);
    }
    if (b.type === 'tool_use') {
      if (typeof b.id !== 'string' || typeof b.name !== 'string') return invalid(res, `${at}: tool_use needs id and name`);
      if (typeof b.input !== 'object' || b.input === null || Array.isArray(b.input)) return invalid(res, `${at}.input: Input should be a valid dictionary`);
    }
    if (b.type === 'tool_result' && typeof b.tool_use_id !== 'string') return invalid(res, `${at}.tool_use_id: Field required`);
  }
  return true;
}

export function checkMessages(messages: unknown, res: ServerResponse): boolean {
  if (!Array.isArray(messages)) return invalid(res, 'messages: Field required');
  if (messages.length === 0) return invalid(res, 'messages: at least one message is required');
  let previousToolUses = new Set<string>();
  for (const [i, m] of (messages as Json[]).entries()) {
    if (m.role !== 'user' && m.role !== 'assistant') return invalid(res, `messages.${i}.role: Input should be 'user' or 'assistant'`);
    if (i === 0 && m.role !== 'user') return invalid(res, 'messages: first message must use the "user" role');
    const before = (messages as Json[])[i - 1];
    if (before !== undefined && before.role === m.role) {
      return invalid(res, `messages: roles must alternate between "user" and "assistant", but found multiple "${String(m.role)}" roles in a row`);
    }
    if (!checkBlocks(m, i, i === messages.length - 1, res)) return false;
    const blocks = blocksOf(m.content);
    const results = blocks.filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id));
    for (const id of results) {
      if (!previousToolUses.has(id)) {
        return invalid(res, `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
      }
    }
    const missing = [...previousToolUses].filter((id) => !results.includes(id));
    if (missing.length > 0) {
      return invalid(res, `messages.${i - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
    }
    previousToolUses = new Set(blocks.filter((b) => b.type === 'tool_use').map((b) => String(b.id)));
  }
  if (previousToolUses.size > 0) {
    return invalid(res, `messages.${messages.length - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${[...previousToolUses].join(', ')}.`);
  }
  return true;
}

export function checkTools(body: Json, res: ServerResponse): boolean {
  const tools = body.tools;
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return invalid(res, 'tools: Input should be a valid list');
    for (const [i, t] of (tools as Json[]).entries()) {
      if (typeof t.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(t.name)) return invalid(res, `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`);
      const schema = t.input_schema as Json | undefined;
      if (typeof schema !== 'object' || schema === null) return invalid(res, `tools.${i}.custom.input_schema: Field required`);
      if (schema.type !== 'object') return invalid(res, `tools.${i}.custom.input_schema.type: Input should be 'object'`);
      for (const key of Object.keys(t)) {
        if (!['name', 'description', 'input_schema', 'cache_control', 'type'].includes(key)) return invalid(res, `tools.${i}.custom.${key}: Extra inputs are not permitted`);
      }
    }
  }
  const choice = body.tool_choice as Json | undefined;
  if (choice !== undefined) {
    if (!['auto', 'any', 'tool', 'none'].includes(String(choice.type))) return invalid(res, `tool_choice.type: Input tag '${String(choice.type)}' found using 'type' does not match any of the expected tags`);
    if (choice.type === 'tool' && !((tools as Json[] | undefined) ?? []).some((t) => t.name === choice.name)) {
      return invalid(res, `tool_choice: Tool '${String(choice.name)}' not found in tools`);
    }
    const thinking = body.thinking as Json | undefined;
    if (thinking?.type === 'enabled' && (choice.type === 'any' || choice.type === 'tool')) {
      return invalid(res, 'Thinking may not be enabled when tool_choice forces tool use.');
    }
  }
  return true;
}

/** Checks a Messages request as Anthropic does; returns false after answering 400. */
function checkMessagesRequest(body: Json, res: ServerResponse): boolean {
  for (const key of Object.keys(body)) if (!topLevel.has(key)) return invalid(res, `${key}: Extra inputs are not permitted`);
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens)) return invalid(res, 'max_tokens: Field required');
  if (body.max_tokens < 1) return invalid(res, 'max_tokens: Input should be greater than or equal to 1');
  if (!checkMessages(body.messages, res)) return false;
  const system = body.system;
  if (system !== undefined && typeof system !== 'string' && !(Array.isArray(system) && (system as Json[]).every((b) => b.type === 'text' && typeof b.text === 'string' && b.text !== ''))) {
    return invalid(res, 'system: Input should be a valid string or a list of text blocks');
  }
  for (const p of ['temperature', 'top_p'] as const) {
    const v = body[p];
    if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1)) return invalid(res, `${p}: Input should be less than or equal to 1`);
  }
  if (body.stop_sequences !== undefined && !(Array.isArray(body.stop_sequences) && body.stop_sequences.every((s) => typeof s === 'string'))) {
    return invalid(res, 'stop_sequences: Input should be a valid list of strings');
  }
  const metadata = body.metadata as Json | undefined;
  if (metadata !== undefined && Object.keys(metadata).some((k) => k !== 'user_id')) return invalid(res, 'metadata: Extra inputs are not permitted');
  const thinking = body.thinking as Json | undefined;
  if (thinking !== undefined && thinking.type === 'enabled') {
    const budget = thinking.budget_tokens;
    if (typeof budget !== 'number' || budget < 1024) return invalid(res, 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
    if (budget >= (body.max_tokens as number)) return invalid(res, '`max_tokens` must be greater than `thinking.budget_tokens`.');
  }
  return checkTools(body, res);
}

function textOf(content: unknown): string {
  return blocksOf(content)
    .map((b) => {
      if (b.type === 'text') return String(b.text);
      if (b.type === 'image') {
        const src = b.source as Json;
        return src.type === 'url' ? `[image:url ${String(src.url)}]` : `[image:base64 ${String(src.media_type)}]`;
      }
      if (b.type === 'tool_result') return textOf(b.content ?? '');
      return '';
    })
    .join(' ');
}

/** A value matching a JSON schema, as far as this mock needs. */
function sampleFor(schema: Json | undefined, text: string): unknown {
  switch (schema?.type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Json>;
      const keys = Object.keys(props);
      if (keys.length === 0) return { echo: text };
      return Object.fromEntries(keys.map((k) => [k, sampleFor(props[k], text)]));
    }
    case 'array':
      return [sampleFor(schema.items as Json | undefined, text)];
    case 'number':
    case 'integer':
      return 42;
    case 'boolean':
      return true;
    default:
      return text;
  }
}

type Block = Json & { type: string };

interface Answer {
  readonly content: Block[];
  readonly stopReason: string;
  readonly stopSequence: string | null;
}

function answer(body: Json, options: MockAnthropicOptions): Answer {
  const messages = body.messages as Json[];
  const last = messages[messages.length - 1] as Json;
  const lastBlocks = blocksOf(last.content);
  const afterTool = lastBlocks.some((b) => b.type === 'tool_result');
  const lastText = textOf(lastBlocks.filter((b) => b.type !== 'tool_result'));
  const content: Block[] = [];
  if ((body.thinking as Json | undefined)?.type === 'enabled') {
    content.push({ type: 'thinking', thinking: `Thinking about: ${lastText}`, signature: 'sig_mock' });
  }
  const tools = (body.tools as Json[] | undefined) ?? [];
  const choice = body.tool_choice as Json | undefined;
  const wantsTool =
    tools.length > 0 && !afterTool && choice?.type !== 'none' && (choice?.type === 'any' || choice?.type === 'tool' || /weather/i.test(lastText));
  if (wantsTool) {
    const named = choice?.type === 'tool' ? String(choice.name) : undefined;
    const chosen = (tools.find((t) => t.name === named) ?? tools.find((t) => /weather/i.test(lastText) && t.name !== 'json_response') ?? tools[0]) as Json;
    const schema = chosen.input_schema as Json;
    const noArgs = Object.keys((schema.properties ?? {}) as Json).length === 0 && chosen.name !== 'json_response';
    const input = noArgs ? {} : /weather/.test(String(chosen.name)) ? { city: 'Paris' } : sampleFor(schema, `echo: ${lastText}`);
    content.push({ type: 'tool_use', id: `toolu_mock_${String(chosen.name)}`, name: chosen.name, input });
    return { content, stopReason: 'tool_use', stopSequence: null };
  }
  let text = options.text ?? (afterTool ? `tool result: ${textOf(lastBlocks.filter((b) => b.type === 'tool_result'))}` : `echo: ${lastText}`);
  let stopReason = 'end_turn';
  let stopSequence: string | null = null;
  for (const s of (body.stop_sequences as string[] | undefined) ?? []) {
    const at = text.indexOf(s);
    if (at >= 0) {
      text = text.slice(0, at);
      stopReason = 'stop_sequence';
      stopSequence = s;
    }
  }
  const max = body.max_tokens as number;
  if (stopReason === 'end_turn' && max < Math.ceil(text.length / 4)) {
    text = text.slice(0, max * 4);
    stopReason = 'max_tokens';
  }
  content.push({ type: 'text', text });
  return { content, stopReason, stopSequence };
}

const tokens = (s: string): number => Math.ceil(s.length / 4);

function hasCacheControl(body: Json): boolean {
  return /"cache_control"/.test(JSON.stringify([body.system, body.messages, body.tools]));
}

function usageOf(body: Json, content: Block[]): Json {
  const cached = hasCacheControl(body);
  const input = tokens(JSON.stringify([body.system ?? '', body.messages]));
  const output = content.reduce((n, b) => n + tokens(JSON.stringify(b.text ?? b.thinking ?? b.input ?? '')), 0);
  return {
    input_tokens: input,
    output_tokens: output,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached ? 100 : 0,
    service_tier: 'standard',
  };
}

function message(body: Json, a: Answer): Json {
  return {
    id: 'msg_mock_01',
    type: 'message',
    role: 'assistant',
    model: body.model,
    content: a.content,
    stop_reason: a.stopReason,
    stop_sequence: a.stopSequence,
    usage: usageOf(body, a.content),
  };
}

function pieces(s: string, size: number): string[] {
  const out: string[] = [];
  const chars = [...s];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

/** The documented event sequence of a streamed message, as `[event, data]` pairs. */
function streamEvents(body: Json, a: Answer, size: number): [string, Json][] {
  const full = message(body, a);
  const usage = full.usage as Json;
  const events: [string, Json][] = [
    ['message_start', { type: 'message_start', message: { ...full, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } }],
  ];
  for (const [index, block] of a.content.entries()) {
    if (block.type === 'text') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
      if (index === 0) events.push(['ping', { type: 'ping' }]);
      for (const text of pieces(String(block.text), size)) events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }]);
    } else if (block.type === 'thinking') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }]);
      if (index === 0) events.push(['ping', { type: 'ping' }]);
      for (const thinking of pieces(String(block.thinking), size)) events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } }]);
      events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: String(block.signature) } }]);
    } else if (block.type === 'tool_use') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }]);
      if (index === 0) events.push(['ping', { type: 'ping' }]);
      const json = Object.keys(block.input as Json).length === 0 ? '' : JSON.stringify(block.input);
      // A tool called without input streams one empty partial_json.
      const parts = json === '' ? [''] : pieces(json, size);
      for (const partial_json of parts) events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }]);
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  }
  events.push(['message_delta', { type: 'message_delta', delta: { stop_reason: a.stopReason, stop_sequence: a.stopSequence }, usage: { output_tokens: usage.output_tokens } }]);
  events.push(['message_stop', { type: 'message_stop' }]);
  return events;
}

async function writeStream(res: ServerResponse, events: [string, Json][], options: MockAnthropicOptions): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': 'req_mock' });
  const error = options.errorAfterDeltas;
  let deltas = 0;
  let sse = '';
  for (const [event, data] of events) {
    if (error !== undefined && event === 'content_block_delta' && deltas++ === error.deltas) {
      sse += `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: error.type, message: error.message } })}\n\n`;
      break;
    }
    sse += `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  }
  const bytes = Buffer.from(sse, 'utf8');
  const size = options.byteChunk ?? bytes.length;
  for (let i = 0; i < bytes.length; i += size) {
    if (res.destroyed) return;
    res.write(bytes.subarray(i, i + size));
    // Separate writes reach the client as separate reads.
    if (options.byteChunk !== undefined) await new Promise((r) => setImmediate(r));
  }
  res.end();
}

/** The mock's request handler; also usable with `override` for a request with other options. */
export function anthropicHandler(options: MockAnthropicOptions = {}): Handler {
  const apiKey = options.apiKey ?? mockAnthropicKey;
  const models = new Set(options.models ?? defaultAnthropicModels);
  const size = options.chunkSize ?? 4;
  return async (req: RecordedRequest, res) => {
    const key = req.headers['x-api-key'];
    if (key === undefined) return anthropicError(res, 401, 'authentication_error', 'x-api-key header is required');
    if (key !== apiKey) return anthropicError(res, 401, 'authentication_error', `invalid x-api-key: ${String(key)}`);
    if (req.headers['anthropic-version'] === undefined) return anthropicError(res, 400, 'invalid_request_error', 'anthropic-version: header is required');
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        data: [...models].map((id) => ({ type: 'model', id, display_name: id, created_at: '2024-10-22T00:00:00Z' })),
        has_more: false,
        first_id: [...models][0],
        last_id: [...models].at(-1),
      });
    }
    if (req.method === 'POST' && path === '/v1/messages/count_tokens') return anthropicCountTokens(req, res, models);
    if (req.method !== 'POST' || path !== '/v1/messages') return anthropicError(res, 404, 'not_found_error', `Not found: ${req.method} ${req.url}`);
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json') || req.json === undefined) {
      return anthropicError(res, 400, 'invalid_request_error', 'Request body is not valid JSON');
    }
    const body = req.json as Json;
    if (typeof body.model !== 'string') return anthropicError(res, 400, 'invalid_request_error', 'model: Field required');
    if (!models.has(body.model)) return anthropicError(res, 404, 'not_found_error', `model: ${body.model}`);
    if (!checkMessagesRequest(body, res)) return;
    const a = answer(body, options);
    if (body.stream === true) return writeStream(res, streamEvents(body, a, size), options);
    return sendJson(res, 200, message(body, a), { 'request-id': 'req_mock' });
  };
}

export function startMockAnthropic(options: MockAnthropicOptions = {}): Promise<MockServer> {
  return startMockServer(anthropicHandler(options));
}
