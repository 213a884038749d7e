import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson, type RecordedRequest } from './server.ts';

/**
 * A strict mock of OpenAI's Responses API (`POST /v1/responses`, `GET`/`DELETE
 * /v1/responses/{id}`, `GET /v1/responses/{id}/input_items`), after the API reference and the
 * `openai` SDK's types. It keeps what it creates (unless `store: false`), so `previous_response_id`,
 * retrieval and deletion work as upstream; an unknown previous id is OpenAI's 400
 * `previous_response_not_found`. Unknown top-level fields, a missing `input`, function tools
 * without name or parameters are refused as the real API refuses them.
 *
 * Answers are deterministic: text `echo: <last user text>`, followed by ` (after <previous id>)`
 * when continuing; a function call when a function tool is given and the user says "weather"; a
 * `web_search_call` item first when the `web_search` built-in tool is given (something no
 * translation could produce). Streams carry the documented events with rising `sequence_number`s.
 */
type Json = Record<string, unknown>;

const topLevel = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'temperature', 'top_p', 'max_output_tokens',
  'text', 'reasoning', 'metadata', 'user', 'safety_identifier', 'stream', 'store', 'previous_response_id', 'include', 'truncation',
  'background', 'prompt', 'conversation', 'service_tier', 'prompt_cache_key', 'stream_options', 'top_logprobs', 'max_tool_calls',
]);

function invalid(res: ServerResponse, message: string, param: string | null, code: string | null = null, status = 400): void {
  sendJson(res, status, { error: { message, type: 'invalid_request_error', param, code } });
}

interface Kept {
  readonly response: Json;
  readonly inputItems: Json[];
}

function inputItemsOf(input: unknown, n: number): Json[] {
  if (typeof input === 'string') return [{ id: `msg_in_${n}_0`, type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: input }] }];
  return (input as Json[]).map((item, i) => ({ id: `item_in_${n}_${i}`, ...item }));
}

function lastUserText(items: readonly Json[]): string {
  const user = [...items].reverse().find((i) => i.role === 'user');
  if (user === undefined) return '';
  const content = user.content;
  if (typeof content === 'string') return content;
  return (content as Json[]).map((p) => (p.type === 'input_text' ? String(p.text) : '')).join('');
}

const tokens = (s: string): number => Math.ceil(s.length / 4);

/** The mock's state and routes; one per mock server. */
export class MockResponses {
  readonly #models: ReadonlySet<string>;
  readonly #kept = new Map<string, Kept>();
  /** Ids differ between mock instances, as between upstream accounts (and test runs sharing a Redis). */
  readonly #tag = randomBytes(4).toString('hex');
  #count = 0;

  constructor(models: ReadonlySet<string>) {
    this.#models = models;
  }

  /** Whether `path` (without the `/v1` prefix) is a Responses route; answers it if so. */
  handle(path: string, req: RecordedRequest, res: ServerResponse): boolean | Promise<void> {
    const bare = path.split('?')[0] as string;
    if (!bare.startsWith('/responses')) return false;
    if (bare === '/responses' && req.method === 'POST') return this.#create(req, res);
    const match = /^\/responses\/([^/]+)(\/input_items)?$/.exec(bare);
    if (match === null) return (invalid(res, `Invalid URL (${req.method} ${req.url})`, null, null, 404), true);
    const id = decodeURIComponent(match[1] as string);
    const kept = this.#kept.get(id);
    if (kept === undefined) return (invalid(res, `Response with id '${id}' not found.`, null, null, 404), true);
    if (match[2] !== undefined && req.method === 'GET') {
      const limit = Number(new URLSearchParams(path.split('?')[1] ?? '').get('limit') ?? 20);
      const data = [...kept.inputItems].reverse().slice(0, limit);
      sendJson(res, 200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: kept.inputItems.length > limit });
      return true;
    }
    if (req.method === 'GET') return (sendJson(res, 200, kept.response), true);
    if (req.method === 'DELETE') {
      this.#kept.delete(id);
      sendJson(res, 200, { id, object: 'response', deleted: true });
      return true;
    }
    return (invalid(res, `Invalid URL (${req.method} ${req.url})`, null, null, 404), true);
  }

  async #create(req: RecordedRequest, res: ServerResponse): Promise<void> {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json') || req.json === undefined) {
      return invalid(res, 'We could not parse the JSON body of your request.', null);
    }
    const body = req.json as Json;
    for (const key of Object.keys(body)) if (!topLevel.has(key)) return invalid(res, `Unrecognized request argument supplied: ${key}`, key, 'unknown_parameter');
    if (typeof body.model !== 'string') return invalid(res, "Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
    if (!this.#models.has(body.model)) {
      return sendJson(res, 400, { error: { message: `The requested model '${body.model}' does not exist.`, type: 'invalid_request_error', param: 'model', code: 'model_not_found' } });
    }
    if (typeof body.input !== 'string' && !Array.isArray(body.input)) return invalid(res, "Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
    const previousId = body.previous_response_id;
    const previous = typeof previousId === 'string' ? this.#kept.get(previousId) : undefined;
    if (typeof previousId === 'string' && previous === undefined) {
      return invalid(res, `Previous response with id '${previousId}' not found.`, 'previous_response_id', 'previous_response_not_found');
    }
    const tools = (body.tools as Json[] | undefined) ?? [];
    for (const [i, t] of tools.entries()) {
      if (t.type === 'function' && (typeof t.name !== 'string' || typeof t.parameters !== 'object')) {
        return invalid(res, `Missing required parameter: 'tools[${i}].name'.`, `tools[${i}].name`, 'missing_required_parameter');
      }
      if (t.type !== 'function' && t.type !== 'web_search' && t.type !== 'web_search_preview') {
        return invalid(res, `Invalid value: '${String(t.type)}'.`, `tools[${i}].type`, 'invalid_value');
      }
    }
    const n = ++this.#count;
    const inputItems = inputItemsOf(body.input, n);
    const text = lastUserText(inputItems);
    const output: Json[] = [];
    if (tools.some((t) => t.type === 'web_search' || t.type === 'web_search_preview')) {
      output.push({ id: `ws_mock_${n}`, type: 'web_search_call', status: 'completed', action: { type: 'search', query: text } });
    }
    const fn = tools.find((t) => t.type === 'function');
    if (fn !== undefined && /weather/i.test(text)) {
      output.push({ id: `fc_mock_${n}`, type: 'function_call', status: 'completed', call_id: `call_mock_${n}`, name: fn.name, arguments: '{"city":"Paris"}' });
    } else {
      const answer = `echo: ${text}${previous === undefined ? '' : ` (after ${String(previousId)})`}`;
      output.push({ id: `msg_mock_${n}`, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: answer, annotations: [], logprobs: [] }] });
    }
    const input = tokens(JSON.stringify(body.input)) + (previous === undefined ? 0 : 10);
    const outputTokens = output.reduce((s, o) => s + tokens(JSON.stringify(o)), 0);
    const response: Json = {
      id: `resp_mock_${this.#tag}_${n}`,
      object: 'response',
      created_at: 1_700_000_000 + n,
      status: 'completed',
      background: false,
      error: null,
      incomplete_details: null,
      instructions: body.instructions ?? null,
      max_output_tokens: body.max_output_tokens ?? null,
      model: `${body.model}-2024-08-06`,
      output,
      parallel_tool_calls: body.parallel_tool_calls ?? true,
      previous_response_id: previousId ?? null,
      reasoning: { effort: null, summary: null },
      store: body.store ?? true,
      temperature: body.temperature ?? 1,
      text: body.text ?? { format: { type: 'text' } },
      tool_choice: body.tool_choice ?? 'auto',
      tools,
      top_p: body.top_p ?? 1,
      truncation: 'disabled',
      usage: {
        input_tokens: input,
        input_tokens_details: { cached_tokens: previous === undefined ? 0 : 8 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: input + outputTokens,
      },
      user: body.user ?? null,
      metadata: body.metadata ?? {},
    };
    if (body.store !== false) this.#kept.set(response.id as string, { response, inputItems });
    if (body.stream !== true) return sendJson(res, 200, response, { 'x-request-id': `req_mock_${n}` });
    return streamResponse(res, response);
  }
}

/** The documented event sequence of a streamed response. */
function streamResponse(res: ServerResponse, response: Json): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  let seq = 0;
  const send = (type: string, data: Json): void => void res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
  const pending = { ...response, status: 'in_progress', output: [], usage: null };
  send('response.created', { response: pending });
  send('response.in_progress', { response: pending });
  for (const [output_index, item] of (response.output as Json[]).entries()) {
    if (item.type === 'message') {
      const part = (item.content as Json[])[0] as Json;
      const text = String(part.text);
      send('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } });
      send('response.content_part.added', { item_id: item.id, output_index, content_index: 0, part: { ...part, text: '' } });
      for (let i = 0; i < text.length; i += 4) send('response.output_text.delta', { item_id: item.id, output_index, content_index: 0, delta: text.slice(i, i + 4), logprobs: [] });
      send('response.output_text.done', { item_id: item.id, output_index, content_index: 0, text, logprobs: [] });
      send('response.content_part.done', { item_id: item.id, output_index, content_index: 0, part });
    } else if (item.type === 'function_call') {
      const args = String(item.arguments);
      send('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', arguments: '' } });
      for (let i = 0; i < args.length; i += 5) send('response.function_call_arguments.delta', { item_id: item.id, output_index, delta: args.slice(i, i + 5) });
      send('response.function_call_arguments.done', { item_id: item.id, output_index, arguments: args });
    } else {
      send('response.output_item.added', { output_index, item: { ...item, status: 'in_progress' } });
    }
    send('response.output_item.done', { output_index, item });
  }
  send('response.completed', { response });
  res.end();
}
