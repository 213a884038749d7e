import type { ChatCompletion, ChatCompletionMessageToolCall } from 'switchyard';
import { messageId, toolUseId } from './ids.ts';
import { matchedStopOf, stopReasonOf } from './stop-reason.ts';
import type { AnthropicMessage, ContentBlock } from './types.ts';
import { anthropicUsage } from './usage.ts';

/**
 * A tool call's `arguments` → the tool_use `input`. Empty arguments mean "no arguments" ({}).
 * Arguments that are not valid JSON are kept as the upstream's text, not replaced by `{}`: a
 * client that validates the input then reports the bad call to the model instead of running
 * the tool with nothing, and the streamed answer (whose `partial_json` is the same text) agrees.
 */
export function toolInput(args: string): unknown {
  if (args.trim() === '') return {};
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}

function toolUseBlock(call: ChatCompletionMessageToolCall): ContentBlock {
  const id = call.id === '' ? toolUseId() : call.id;
  if (call.type === 'function') return { type: 'tool_use', id, name: call.function.name, input: toolInput(call.function.arguments) };
  return { type: 'tool_use', id, name: call.custom.name, input: call.custom.input };
}

/**
 * A chat completion → the Messages API answer. `model` is the name the client asked for.
 * Content: the text block (when there is text), an OpenAI refusal as text, then one tool_use
 * block per tool call with the same id. Reasoning text is not returned (a `thinking` block
 * needs Anthropic's signature). Only the first choice is read: Messages has no `n`.
 */
export function chatToMessage(result: ChatCompletion, model: string): AnthropicMessage {
  const choice = result.choices[0];
  const message = choice?.message;
  const content: ContentBlock[] = [];
  const text = message?.content ?? '';
  if (text !== '') content.push({ type: 'text', text });
  const refusal = message?.refusal ?? '';
  if (refusal !== '') content.push({ type: 'text', text: refusal });
  for (const call of message?.tool_calls ?? []) content.push(toolUseBlock(call));
  const stop = stopReasonOf(choice?.finish_reason, {
    toolUse: (message?.tool_calls?.length ?? 0) > 0,
    refused: refusal !== '',
    matchedStop: matchedStopOf(choice),
  });
  return {
    id: messageId(result.id),
    type: 'message',
    role: 'assistant',
    model,
    content,
    ...stop,
    usage: anthropicUsage(result.usage),
  };
}
