import { invalidParam, invalidRequest, type ChatRequest } from 'switchyard';
import { isAbsent, objectAt, oneOf, optionalBoolean, optionalInteger, optionalNumber, optionalString, stringAt, type JsonObject } from './fields.ts';
import { randomId } from './ids.ts';
import { normaliseInput } from './input.ts';
import { toChatMessages } from './messages.ts';
import { toolsPart } from './tools.ts';
import type { ConversationItem, NewId, ResponsesRequestEcho } from './types.ts';
import { notTranslated } from './unsupported.ts';

/** A Responses request translated onto chat. */
export interface TranslatedRequest {
  /** The canonical chat request. */
  readonly chat: ChatRequest;
  /** This request's own input, normalised with ids: what `input_items` lists, and what the stored history gains. */
  readonly inputItems: ConversationItem[];
  /** The settings the Response echoes. */
  readonly echo: ResponsesRequestEcho;
}

const efforts = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;

/**
 * A Responses API body → the canonical chat request. Pure; validates as it reads and throws a 400
 * `invalid_request_error` naming the field (`param`) for what is malformed or only OpenAI's
 * service can do (built-in tools, `background`, `conversation`, `prompt`).
 *
 * `history` is the stored conversation of `previous_response_id` (see `chainHistory`): it follows
 * the `instructions` and precedes the new input. Instructions are never part of a history: like
 * OpenAI, each request's own `instructions` alone apply.
 *
 * `max_output_tokens` becomes `max_tokens`: both count every generated token, reasoning included
 * for the providers that reason, every translated adapter reads it, and OpenAI-compatible servers
 * (Mistral, Ollama, DeepSeek, vLLM…) that do not know `max_completion_tokens` do know it.
 *
 * @example
 * responsesToChat({ model: 'claude-sonnet-4', instructions: 'Be brief.', input: 'Hi' }).chat
 * // → { model: 'claude-sonnet-4', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] }
 */
export function responsesToChat(body: unknown, history: readonly ConversationItem[] = [], newId: NewId = randomId): TranslatedRequest {
  const req = objectAt(body, 'body');
  refuseOpenAIOnly(req);
  const model = stringAt(req.model, 'model');
  if (model === '') throw invalidParam('model', "'model' must not be empty");
  const instructions = optionalString(req.instructions, 'instructions');
  const inputItems = normaliseInput(req.input, newId);
  const messages = toChatMessages([...history, ...inputItems]);
  if (instructions !== undefined && instructions !== '') messages.unshift({ role: 'system', content: instructions });
  if (messages.length === 0) throw invalidRequest("'input' is required", 'input', 'invalid_value');

  const tools = toolsPart(req);
  const temperature = optionalNumber(req.temperature, 'temperature', 0, 2);
  const topP = optionalNumber(req.top_p, 'top_p', 0, 1);
  const maxOutput = optionalInteger(req.max_output_tokens, 'max_output_tokens', 1);
  const text = textConfig(req.text);
  const reasoning = reasoningConfig(req.reasoning);
  const metadata = metadataOf(req.metadata);
  const user = optionalString(req.user, 'user');
  const safetyIdentifier = optionalString(req.safety_identifier, 'safety_identifier');
  const stream = optionalBoolean(req.stream, 'stream') ?? false;
  const store = optionalBoolean(req.store, 'store') ?? true;
  const previous = previousResponseIdOf(req);

  const chat: ChatRequest = { model, messages, ...tools.chat };
  if (temperature !== undefined) chat.temperature = temperature;
  if (topP !== undefined) chat.top_p = topP;
  if (maxOutput !== undefined) chat.max_tokens = maxOutput;
  if (text.responseFormat !== undefined) chat.response_format = text.responseFormat;
  if (reasoning.effort !== null && reasoning.effort !== undefined) chat.reasoning_effort = reasoning.effort;
  // One end-user id upstream: `safety_identifier` is the newer name for what `user` carried.
  const endUser = safetyIdentifier ?? user;
  if (endUser !== undefined) chat.user = endUser;
  // The usage arrives in the last chunk; a Response must report it.
  if (stream) Object.assign(chat, { stream: true, stream_options: { include_usage: true } });

  const echo: ResponsesRequestEcho = {
    model,
    instructions: instructions ?? null,
    ...tools.echo,
    temperature: temperature ?? null,
    top_p: topP ?? null,
    max_output_tokens: maxOutput ?? null,
    text: text.echo,
    reasoning,
    metadata,
    store,
    previous_response_id: previous ?? null,
    truncation: 'disabled',
    background: false,
  };
  if (user !== undefined) echo.user = user;
  if (safetyIdentifier !== undefined) echo.safety_identifier = safetyIdentifier;
  return { chat, inputItems, echo };
}

/**
 * `previous_response_id` of a body, checked: the route reads it first to load the history
 * (`chainHistory`) it then passes to `responsesToChat`.
 */
export function previousResponseIdOf(body: unknown): string | undefined {
  const id = optionalString(objectAt(body, 'body').previous_response_id, 'previous_response_id');
  if (id === '') throw invalidParam('previous_response_id', "'previous_response_id' must not be empty");
  return id;
}

/** Features of OpenAI's own service that no chat provider can stand in for. */
function refuseOpenAIOnly(req: JsonObject): void {
  if (!isAbsent(req.background) && req.background !== false) throw notTranslated('background', 'background mode');
  if (!isAbsent(req.conversation)) throw notTranslated('conversation', 'a stored conversation');
  if (!isAbsent(req.prompt)) throw notTranslated('prompt', 'a stored prompt template');
}

type ResponseFormat = NonNullable<ChatRequest['response_format']>;

/** `text.format` → `response_format`. `text` (the default) is left out; `verbosity` is dropped. */
function textConfig(raw: unknown): { responseFormat: ResponseFormat | undefined; echo: ResponsesRequestEcho['text'] } {
  if (isAbsent(raw)) return { responseFormat: undefined, echo: { format: { type: 'text' } } };
  const text = objectAt(raw, 'text');
  if (isAbsent(text.format)) return { responseFormat: undefined, echo: { format: { type: 'text' } } };
  const format = objectAt(text.format, 'text.format');
  const type = oneOf(format.type, ['text', 'json_object', 'json_schema'] as const, 'text.format.type');
  if (type === 'text') return { responseFormat: undefined, echo: { format: { type } } };
  if (type === 'json_object') return { responseFormat: { type }, echo: { format: { type } } };
  const name = stringAt(format.name, 'text.format.name');
  const schema = objectAt(format.schema, 'text.format.schema');
  const description = optionalString(format.description, 'text.format.description');
  const strict = optionalBoolean(format.strict, 'text.format.strict');
  const jsonSchema: Extract<ResponseFormat, { type: 'json_schema' }>['json_schema'] = { name, schema };
  if (description !== undefined) jsonSchema.description = description;
  if (strict !== undefined) jsonSchema.strict = strict;
  return {
    responseFormat: { type: 'json_schema', json_schema: jsonSchema },
    echo: { format: { type: 'json_schema', name, schema, ...(description === undefined ? {} : { description }), strict: strict ?? null } },
  };
}

/** `reasoning.effort` → `reasoning_effort`; `summary` is echoed but not produced (chat has no summaries). */
function reasoningConfig(raw: unknown): NonNullable<ResponsesRequestEcho['reasoning']> {
  if (isAbsent(raw)) return { effort: null, summary: null };
  const reasoning = objectAt(raw, 'reasoning');
  const effort = isAbsent(reasoning.effort) ? null : oneOf(reasoning.effort, efforts, 'reasoning.effort');
  const summary = isAbsent(reasoning.summary) ? null : oneOf(reasoning.summary, ['auto', 'concise', 'detailed'] as const, 'reasoning.summary');
  return { effort, summary };
}

/**
 * `metadata`: checked as OpenAI does (at most 16 string values) and echoed on the Response. Not
 * sent upstream: chat's `metadata` only means something to OpenAI's stored completions, and
 * strict OpenAI-compatible servers reject fields they do not know.
 */
function metadataOf(raw: unknown): Record<string, string> {
  if (isAbsent(raw)) return {};
  const metadata = objectAt(raw, 'metadata');
  const entries = Object.entries(metadata);
  if (entries.length > 16) throw invalidParam('metadata', "'metadata' holds at most 16 keys");
  for (const [key, value] of entries) {
    if (key.length > 64) throw invalidParam('metadata', 'metadata keys are at most 64 characters');
    if (typeof value !== 'string' || value.length > 512) throw invalidParam(`metadata.${key}`, 'metadata values are strings of at most 512 characters');
  }
  return metadata as Record<string, string>;
}
