import type { Message, StopReason } from '@anthropic-ai/sdk/resources/messages';
import { singleChoiceCompletion, type ChatCompletion, type ChatCompletionMessageToolCall, type ChatRequest, type Usage } from 'switchyard';
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

/** The token counts both Message.usage and the stream's message_delta carry. */
export interface AnthropicTokens {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens: number } | null;
}

/**
 * Anthropic's usage in OpenAI's meaning. `input_tokens` excludes both cache reads and cache
 * writes, so `prompt_tokens` adds them back: the whole prompt, with the read part in
 * `cached_tokens` and the written part in `cache_creation_tokens` (when there is one), each
 * priced apart. `output_tokens` already includes thinking; `output_tokens_details` only breaks
 * it down.
 */
export function toUsage(u: AnthropicTokens): Usage {
  const cacheRead = u.cache_read_input_tokens ?? 0;
  const cacheWrite = u.cache_creation_input_tokens ?? 0;
  const prompt = (u.input_tokens ?? 0) + cacheRead + cacheWrite;
  const completion = u.output_tokens ?? 0;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: cacheWrite > 0 ? { cached_tokens: cacheRead, cache_creation_tokens: cacheWrite } : { cached_tokens: cacheRead },
  };
  const thinking = u.output_tokens_details?.thinking_tokens;
  if (thinking !== undefined) usage.completion_tokens_details = { reasoning_tokens: thinking };
  return usage;
}

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
    toUsage(msg.usage),
  );
}
