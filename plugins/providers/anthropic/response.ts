import type { Message, StopReason } from '@anthropic-ai/sdk/resources/messages';
import { anthropicUsage, singleChoiceCompletion, type AnthropicTokens, type ChatCompletion, type ChatCompletionMessageToolCall, type ChatRequest, type Usage } from 'switchyard';
import { jsonModeOf, type JsonMode } from './tools.ts';

export type FinishReason = ChatCompletion['choices'][number]['finish_reason'];

/**
 * Anthropic's stop reasons in OpenAI's terms. A `tool_use` stop that only answered through the
 * JSON-mode tool is a plain `stop`: the client asked for JSON, not for a tool call.
 */
export function finishReasonOf(reason: StopReason | null, answeredWithJson: boolean): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return answeredWithJson ? 'stop' : 'tool_calls';
    case 'refusal':
      return 'content_filter';
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
    case null:
      return 'stop';
    default:
      return 'stop';
  }
}

/** Anthropic's usage in OpenAI's meaning: the core's conversion, shared with the Messages API's native relay. */
export { anthropicUsage as toUsage, type AnthropicTokens };

/** The JSON-mode tool's input as the `content` string the client asked for. */
export function jsonAnswer(input: unknown, json: JsonMode): string {
  const value = json.wrapped ? (input as { value?: unknown } | null)?.value : input;
  return JSON.stringify(value ?? {});
}

/** A Message → a chat completion with one choice. */
export function toChatCompletion(msg: Message, req: ChatRequest): ChatCompletion {
  const json = jsonModeOf(req);
  let text = '';
  let reasoning: string | undefined;
  let answer: string | undefined;
  const toolCalls: ChatCompletionMessageToolCall[] = [];
  for (const block of msg.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'thinking') reasoning = (reasoning ?? '') + block.thinking;
    else if (block.type === 'tool_use') {
      if (json !== undefined && block.name === json.tool.name) answer = jsonAnswer(block.input, json);
      else toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
    // Server-tool results and redacted thinking have no OpenAI equivalent.
  }
  // A preamble before the JSON answer would make the content unparseable, so the answer wins.
  const content = answer ?? (text !== '' ? text : toolCalls.length > 0 ? null : '');
  return singleChoiceCompletion(
    msg.id,
    msg.model,
    { content, reasoning, toolCalls },
    finishReasonOf(msg.stop_reason, answer !== undefined && toolCalls.length === 0),
    anthropicUsage(msg.usage),
  );
}
