import {
  providerError,
  singleChoiceCompletion,
  type ChatCompletion,
  type ChatCompletionChoice,
  type ChatCompletionMessageToolCall,
  type Deployment,
  type Usage,
} from 'switchyard';
import type { CohereChatResponse, CohereToolCall, CohereUsage } from './wire.ts';

export type FinishReason = ChatCompletionChoice['finish_reason'];

/**
 * Cohere's finish reasons as OpenAI's. `ERROR_TOXIC` is what Cohere reported for blocked output
 * before v2 listed its reasons; `ERROR` and `TIMEOUT` mean the generation failed and become a 502.
 */
export function finishReason(reason: string | null | undefined, provider = 'cohere'): FinishReason {
  switch (reason) {
    case 'COMPLETE':
    case 'STOP_SEQUENCE':
    case undefined:
    case null:
      return 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'TOOL_CALL':
      return 'tool_calls';
    case 'ERROR_TOXIC':
      return 'content_filter';
    default:
      throw providerError(provider, 502, { message: `${provider} ended the generation with finish_reason ${reason}` });
  }
}

/**
 * Token counts in OpenAI's meaning: what Cohere bills (`billed_units`), else what it counted
 * (`tokens`, which include Cohere's own prompt template), per field. Cohere reports no cache
 * writes and no reasoning count (thinking is inside the output). `cached_tokens` are counted
 * over the template-inclusive prompt, so they may exceed the billed prompt; they are capped at
 * it, since OpenAI's `cached_tokens` are a part of `prompt_tokens`.
 */
export function usageOf(usage: CohereUsage | null | undefined): Usage | undefined {
  if (usage === undefined || usage === null) return undefined;
  const prompt = usage.billed_units?.input_tokens ?? usage.tokens?.input_tokens ?? 0;
  const completion = usage.billed_units?.output_tokens ?? usage.tokens?.output_tokens ?? 0;
  const cached = usage.cached_tokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(typeof cached === 'number' ? { prompt_tokens_details: { cached_tokens: Math.min(cached, prompt) } } : {}),
  };
}

/** A Cohere tool call as OpenAI's; missing arguments become `{}` so clients can parse them. */
export function toOpenAIToolCall(call: CohereToolCall): ChatCompletionMessageToolCall {
  return {
    id: call.id,
    type: 'function',
    function: { name: call.function?.name ?? '', arguments: call.function?.arguments || '{}' },
  };
}

/** A `/v2/chat` answer as a chat completion. Thinking text and the tool plan are `reasoning_content`. */
export function fromCohereResponse(res: CohereChatResponse, target: Deployment): ChatCompletion {
  let text = '';
  let reasoning = '';
  for (const item of res.message.content ?? []) {
    if (item.type === 'text') text += item.text;
    else if (item.type === 'thinking') reasoning += item.thinking;
  }
  if (res.message.tool_plan) reasoning += res.message.tool_plan;
  const calls = (res.message.tool_calls ?? []).map(toOpenAIToolCall);
  return singleChoiceCompletion(
    res.id,
    target.model,
    { content: text === '' && calls.length > 0 ? null : text, reasoning: reasoning === '' ? undefined : reasoning, toolCalls: calls },
    finishReason(res.finish_reason, target.provider),
    usageOf(res.usage),
  );
}
