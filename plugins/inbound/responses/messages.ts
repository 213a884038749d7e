import type { ChatCompletionContentPart, ChatCompletionMessageParam, ChatCompletionMessageToolCall } from 'switchyard';
import type { ConversationItem, ResponseInputMessageItem, ResponseOutputMessage } from './types.ts';

type AssistantMessage = Extract<ChatCompletionMessageParam, { role: 'assistant' }>;
type TextPart = Extract<ChatCompletionContentPart, { type: 'text' }>;

/**
 * Normalised conversation items (already validated) → chat messages, in order.
 *
 * - `developer` messages become `system` ones: every translated provider treats them alike, and
 *   several OpenAI-compatible servers reject the `developer` role.
 * - A `function_call` joins the assistant message just before it (the text the model said before
 *   calling), so consecutive calls become one assistant message with several `tool_calls`, the
 *   inverse of how a chat answer maps onto output items.
 * - A `function_call_output` becomes a `tool` message.
 */
export function toChatMessages(items: readonly ConversationItem[]): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  for (const item of items) {
    switch (item.type) {
      case 'message':
        messages.push(item.role === 'assistant' ? assistantMessage(item) : inputMessage(item));
        break;
      case 'function_call': {
        const call: ChatCompletionMessageToolCall = {
          id: item.call_id,
          type: 'function',
          function: { name: item.name, arguments: item.arguments },
        };
        const last = messages.at(-1);
        if (last?.role === 'assistant') last.tool_calls = [...(last.tool_calls ?? []), call];
        else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
        break;
      }
      case 'function_call_output':
        messages.push({
          role: 'tool',
          tool_call_id: item.call_id,
          content: typeof item.output === 'string' ? item.output : textParts(item.output.flatMap((p) => (p.type === 'input_text' ? [p.text] : []))),
        });
        break;
    }
  }
  return messages;
}

function inputMessage(item: ResponseInputMessageItem): ChatCompletionMessageParam {
  if (item.role !== 'user') {
    return { role: 'system', content: textParts(item.content.flatMap((p) => (p.type === 'input_text' ? [p.text] : []))) };
  }
  const parts = item.content.flatMap((p): ChatCompletionContentPart[] => {
    switch (p.type) {
      case 'input_text':
        return [{ type: 'text', text: p.text }];
      case 'input_image':
        return [{ type: 'image_url', image_url: p.detail === 'auto' ? { url: p.image_url ?? '' } : { url: p.image_url ?? '', detail: p.detail as 'low' | 'high' } }];
      case 'input_file':
        return [{ type: 'file', file: p.filename === undefined ? { file_data: p.file_data ?? '' } : { file_data: p.file_data ?? '', filename: p.filename } }];
      default:
        return [];
    }
  });
  const only = parts[0];
  // One text part is sent as a plain string: the form every chat server accepts.
  return { role: 'user', content: parts.length === 1 && only?.type === 'text' ? only.text : parts };
}

/** What the model said before: its text parts (and refusals) joined, as chat carries one string. */
function assistantMessage(item: ResponseOutputMessage): AssistantMessage {
  const text = item.content.map((p) => (p.type === 'output_text' ? p.text : p.refusal)).join('');
  return { role: 'assistant', content: text };
}

function textParts(texts: string[]): string | TextPart[] {
  return texts.length === 1 ? (texts[0] as string) : texts.map((text) => ({ type: 'text', text }));
}
