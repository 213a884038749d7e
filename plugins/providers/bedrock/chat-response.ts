import { randomBytes } from 'node:crypto';
import {
  singleChoiceCompletion,
  type ChatCompletion,
  type ChatCompletionChoice,
  type ChatCompletionMessageToolCall,
  type ChatRequest,
  type Deployment,
  type Usage,
} from 'switchyard';
import { jsonToolName, wantsJson } from './chat-request.ts';
import type { ConverseResponse, StopReason, TokenUsage } from './wire.ts';

type FinishReason = ChatCompletionChoice['finish_reason'];

/** Converse has no response id; the gateway makes one in OpenAI's style. */
export const completionId = (): string => `chatcmpl-${randomBytes(12).toString('hex')}`;

/** Bedrock `stopReason` → OpenAI `finish_reason`. */
export function finishReason(reason: StopReason | string | undefined, calledTools: boolean): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      // The forced JSON tool is an answer, not a call for the client to run.
      return calledTools ? 'tool_calls' : 'stop';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    default:
      return calledTools ? 'tool_calls' : 'stop';
  }
}

/**
 * Bedrock usage → OpenAI usage. Bedrock counts cache reads (`cacheReadInputTokens`) and writes
 * (`cacheWriteInputTokens`) apart from `inputTokens`; OpenAI's `prompt_tokens` is the whole
 * prompt, so both are added in, reads reported as `cached_tokens` and writes as
 * `cache_creation_tokens`. Converse reports no reasoning count (it is inside `outputTokens`).
 */
export function toUsage(u: TokenUsage | undefined): Usage | undefined {
  if (u === undefined) return undefined;
  const cached = u.cacheReadInputTokens ?? 0;
  const written = u.cacheWriteInputTokens ?? 0;
  const prompt = (u.inputTokens ?? 0) + cached + written;
  const completion = u.outputTokens ?? 0;
  const reported = u.cacheReadInputTokens !== undefined || written > 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(reported ? { prompt_tokens_details: written > 0 ? { cached_tokens: cached, cache_creation_tokens: written } : { cached_tokens: cached } } : {}),
  };
}

/** Converse response → OpenAI chat completion (one choice; `n` is fanned out by the core). */
export function fromConverse(res: ConverseResponse, target: Deployment, req: ChatRequest): ChatCompletion {
  const json = wantsJson(req);
  let content: string | undefined;
  let reasoning: string | undefined;
  let jsonAnswer: string | undefined;
  const toolCalls: ChatCompletionMessageToolCall[] = [];
  for (const block of res.output?.message?.content ?? []) {
    if (typeof block.text === 'string') content = (content ?? '') + block.text;
    else if (block.reasoningContent?.reasoningText?.text !== undefined) reasoning = (reasoning ?? '') + block.reasoningContent.reasoningText.text;
    else if (block.toolUse !== undefined) {
      const args = JSON.stringify(block.toolUse.input ?? {});
      if (json && block.toolUse.name === jsonToolName) jsonAnswer = args;
      else toolCalls.push({ id: block.toolUse.toolUseId ?? '', type: 'function', function: { name: block.toolUse.name ?? '', arguments: args } });
    }
  }
  // The forced JSON tool's input is the answer; any text the model wrote around it is dropped.
  if (jsonAnswer !== undefined) content = jsonAnswer;
  return singleChoiceCompletion(
    completionId(),
    target.model,
    { content: content ?? null, reasoning, toolCalls },
    finishReason(res.stopReason, toolCalls.length > 0),
    toUsage(res.usage),
  );
}
