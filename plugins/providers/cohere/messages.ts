import { invalidParam, type ChatCompletionContentPart, type ChatCompletionMessageParam } from 'switchyard';
import type { CohereMessage, CohereToolCall, CohereUserContent } from './wire.ts';

type Part = ChatCompletionContentPart | { type: 'refusal'; refusal: string };

/** Text of a string or of text (and refusal) parts; any other part is a 400 naming it. */
function textOf(content: string | readonly Part[] | null | undefined, at: string, role: string): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  let out = '';
  content.forEach((part, j) => {
    if (part.type === 'text') out += part.text;
    else if (part.type === 'refusal') out += part.refusal;
    else throw invalidParam(`${at}.content[${j}]`, `cohere takes only text in ${role} messages, not '${part.type}' parts`);
  });
  return out;
}

/** User content: text and `image_url` parts (http(s) or data: URLs), as Cohere v2 takes them for vision models. */
function userContent(content: string | readonly ChatCompletionContentPart[], at: string): string | CohereUserContent[] {
  if (typeof content === 'string') return content;
  return content.map((part, j): CohereUserContent => {
    if (part.type === 'text') return { type: 'text', text: part.text };
    if (part.type === 'image_url') {
      const { url, detail } = part.image_url;
      return { type: 'image_url', image_url: detail === undefined ? { url } : { url, detail } };
    }
    throw invalidParam(`${at}.content[${j}]`, `cohere does not accept '${part.type}' content parts`);
  });
}

/** An OpenAI tool call as Cohere's; a call with no arguments sends `{}`, which Cohere can parse. */
function toolCall(call: { id: string; type: string; function?: { name: string; arguments: string } }, at: string): CohereToolCall {
  if (call.type !== 'function' || call.function === undefined) {
    throw invalidParam(`${at}.tool_calls`, `cohere supports only function tool calls, not '${call.type}'`);
  }
  return { id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments || '{}' } };
}

/**
 * OpenAI messages to Cohere v2 messages, one for one and in order. `developer` becomes `system`
 * (Cohere takes system messages anywhere, several of them included). Text an assistant wrote
 * alongside tool calls is Cohere's `tool_plan`.
 */
export function toCohereMessages(messages: readonly ChatCompletionMessageParam[]): CohereMessage[] {
  return messages.map((m, i): CohereMessage => {
    const at = `messages[${i}]`;
    switch (m.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: textOf(m.content, at, m.role) };
      case 'user':
        return { role: 'user', content: userContent(m.content, at) };
      case 'assistant': {
        const text = textOf(m.content, at, 'assistant');
        const calls = m.tool_calls ?? [];
        if (calls.length === 0) return { role: 'assistant', content: text };
        const tool_calls = calls.map((c) => toolCall(c as Parameters<typeof toolCall>[0], at));
        return text === '' ? { role: 'assistant', tool_calls } : { role: 'assistant', tool_calls, tool_plan: text };
      }
      case 'tool':
        return { role: 'tool', tool_call_id: m.tool_call_id, content: textOf(m.content, at, 'tool') };
      case 'function':
        throw invalidParam(`${at}.role`, "cohere does not support the deprecated 'function' role; use tools");
      default: {
        const never: never = m;
        throw invalidParam(`${at}.role`, `unknown role '${(never as { role: string }).role}'`);
      }
    }
  });
}
