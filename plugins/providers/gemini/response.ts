import { randomBytes } from 'node:crypto';
import type { ChatCompletion, ChatCompletionChoice, ChatRequest, Deployment, Usage } from 'switchyard';
import type { GeminiCandidate, GenerateContentBody, Part, UsageMetadata } from './types.ts';

export type FinishReason = ChatCompletionChoice['finish_reason'];

/** Gemini finish reasons that mean the answer was withheld or cut by a filter. */
const filtered = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/** A candidate that called a function ends with `tool_calls`, whatever Gemini said (it says STOP). */
export function toFinishReason(reason: string | undefined, calledTool: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && filtered.has(reason)) return 'content_filter';
  return calledTool ? 'tool_calls' : 'stop';
}

/**
 * Gemini's usage in OpenAI's meaning. `thoughtsTokenCount` is NOT inside `candidatesTokenCount`,
 * so `completion_tokens` adds it (OpenAI counts reasoning inside the completion);
 * `cachedContentTokenCount` IS inside `promptTokenCount`, so it is only reported, never added;
 * tool-use prompt tokens (Gemini's own tools) are apart and added to the prompt. The total is
 * prompt + completion, as OpenAI's is. Gemini reports no cache writes (explicit caches are
 * created by their own call).
 */
export function toUsage(meta: UsageMetadata): Usage {
  const prompt = (meta.promptTokenCount ?? 0) + (meta.toolUsePromptTokenCount ?? 0);
  const completion = (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0);
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (meta.cachedContentTokenCount !== undefined) usage.prompt_tokens_details = { cached_tokens: meta.cachedContentTokenCount };
  if (meta.thoughtsTokenCount !== undefined) usage.completion_tokens_details = { reasoning_tokens: meta.thoughtsTokenCount };
  return usage;
}

/** Gemini gives function calls no ids (or, on newer models, sometimes one): an id is made up when absent. */
export function toolCallId(part: Part): string {
  return part.functionCall?.id || `call_${randomBytes(12).toString('base64url')}`;
}

export function responseId(res: GenerateContentBody): string {
  return `chatcmpl-${res.responseId ?? randomBytes(12).toString('base64url')}`;
}

export function createdAt(res: GenerateContentBody): number {
  const parsed = res.createTime === undefined ? Number.NaN : Date.parse(res.createTime);
  return Math.floor((Number.isNaN(parsed) ? Date.now() : parsed) / 1000);
}

/** Gemini calls functions only: the OpenAI tool call is always of type `function`. */
export interface FunctionToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** The text, thoughts and function calls of one candidate's parts. */
export interface CandidateParts {
  content: string | null;
  reasoning: string | null;
  toolCalls: FunctionToolCall[];
}

export function splitParts(parts: readonly Part[] | undefined): CandidateParts {
  let content: string | null = null;
  let reasoning: string | null = null;
  const toolCalls: FunctionToolCall[] = [];
  for (const part of parts ?? []) {
    if (part.functionCall) {
      toolCalls.push({
        id: toolCallId(part),
        type: 'function',
        function: { name: part.functionCall.name ?? '', arguments: JSON.stringify(part.functionCall.args ?? {}) },
      });
    } else if (typeof part.text === 'string') {
      if (part.thought === true) reasoning = (reasoning ?? '') + part.text;
      else content = (content ?? '') + part.text;
    }
  }
  return { content, reasoning, toolCalls };
}

function toChoice(candidate: GeminiCandidate, index: number): ChatCompletionChoice {
  const { content, reasoning, toolCalls } = splitParts(candidate.content?.parts);
  return {
    index,
    message: {
      role: 'assistant',
      content,
      refusal: null,
      ...(reasoning === null ? {} : { reasoning_content: reasoning }),
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    },
    logprobs: null,
    finish_reason: toFinishReason(candidate.finishReason, toolCalls.length > 0),
  };
}

/** A blocked prompt has no candidates: every asked-for choice ends with `content_filter`. */
function blockedChoices(req: ChatRequest): ChatCompletionChoice[] {
  return Array.from({ length: Math.max(1, req.n ?? 1) }, (_, index) => ({
    index,
    message: { role: 'assistant', content: null, refusal: null },
    logprobs: null,
    finish_reason: 'content_filter',
  }));
}

/** A whole `generateContent` answer → an OpenAI chat completion. */
export function toChatCompletion(res: GenerateContentBody, target: Deployment, req: ChatRequest): ChatCompletion {
  const candidates = res.candidates ?? [];
  const choices = candidates.length > 0 ? candidates.map((c, i) => toChoice(c, c.index ?? i)) : blockedChoices(req);
  return {
    id: responseId(res),
    object: 'chat.completion',
    created: createdAt(res),
    model: res.modelVersion ?? target.model,
    choices,
    ...(res.usageMetadata === undefined ? {} : { usage: toUsage(res.usageMetadata) }),
  };
}
