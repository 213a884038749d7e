import { cutEcho, type CanonicalRequest, type FinalResult, type RequestContext } from 'switchyard';

/** A message part in the GenAI conventions' shape (`gen_ai.input.messages`, `gen_ai.output.messages`). */
type Part =
  | { readonly type: 'text'; readonly content: string }
  | { readonly type: 'tool_call'; readonly id: string; readonly name: string; readonly arguments: string }
  | { readonly type: 'tool_call_response'; readonly id: string; readonly response: string }
  | { readonly type: string };

interface Message {
  readonly role: string;
  readonly parts: readonly Part[];
  readonly finish_reason?: string;
}

type Loose = Record<string, unknown>;
const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null;
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Text parts as text; images, audio and files by their type only (their data is not telemetry). */
function contentParts(content: unknown): Part[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return content.filter(isObject).map((part): Part => (part.type === 'text' ? { type: 'text', content: text(part.text) } : { type: text(part.type) || 'unknown' }));
}

function toolCallParts(calls: unknown): Part[] {
  if (!Array.isArray(calls)) return [];
  return calls.filter(isObject).map((call): Part => {
    const fn = isObject(call.function) ? call.function : {};
    return { type: 'tool_call', id: text(call.id), name: text(fn.name), arguments: text(fn.arguments) };
  });
}

function messageOf(message: Loose): Message {
  const role = text(message.role);
  if (role === 'tool') return { role, parts: [{ type: 'tool_call_response', id: text(message.tool_call_id), response: JSON.stringify(message.content ?? '') }] };
  return { role, parts: [...contentParts(message.content), ...toolCallParts(message.tool_calls)] };
}

/** The prompt as GenAI input messages: chat messages, or a completion's prompt as one user message. */
export function inputMessages(operation: RequestContext['operation'], request: CanonicalRequest | undefined): Message[] | undefined {
  if (request === undefined) return undefined;
  const loose = request as unknown as Loose;
  if (operation === 'chat' && Array.isArray(loose.messages)) return loose.messages.filter(isObject).map(messageOf);
  if (operation === 'completions') {
    const prompts = Array.isArray(loose.prompt) ? loose.prompt : [loose.prompt];
    return [{ role: 'user', parts: prompts.filter((p): p is string => typeof p === 'string').map((content) => ({ type: 'text', content })) }];
  }
  return undefined;
}

/** The answer's choices as GenAI output messages; undefined for embeddings (vectors are not content). */
export function outputMessages(operation: RequestContext['operation'], result: FinalResult): Message[] | undefined {
  const choices = (result as unknown as Loose).choices;
  if (!Array.isArray(choices) || operation === 'embeddings') return undefined;
  return choices.filter(isObject).map((choice): Message => {
    const finish = text(choice.finish_reason);
    const message = isObject(choice.message) ? messageOf({ ...choice.message, role: 'assistant' }) : { role: 'assistant', parts: [{ type: 'text', content: text(choice.text) }] };
    return finish === '' ? message : { ...message, finish_reason: finish };
  });
}

/**
 * Messages as the attribute's JSON string, cut to `limit` characters. A cut value is no longer
 * valid JSON; it ends with the length it had, so a reader knows it was cut.
 */
export function contentAttribute(messages: readonly Message[], limit: number): string {
  return cutEcho(JSON.stringify(messages), limit);
}
