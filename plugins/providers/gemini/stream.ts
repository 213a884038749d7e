import { upstreamInvalid, type ChatCompletionChunk, type ChatCompletionChunkChoice, type ChatCompletionDelta, type ChatRequest, type Deployment } from 'switchyard';
import { streamError } from './errors.ts';
import { createdAt, responseId, splitParts, toFinishReason, toUsage } from './response.ts';
import type { GenerateContentBody, UsageMetadata } from './types.ts';

interface ChoiceState {
  started: boolean;
  /** Tool calls sent so far for this choice: the next call's `index`. */
  toolCalls: number;
  /** A finishReason arrived for it: Gemini has no end event, so this is how a whole answer ends. */
  finished: boolean;
}

/** One stream's memory: the ids it gave out and the latest usage (Gemini repeats it, growing). */
export interface StreamState {
  readonly provider: string;
  /** The deployment's model, then Gemini's `modelVersion` once an event names it. */
  model: string;
  readonly n: number;
  readonly includeUsage: boolean;
  id: string | undefined;
  created: number;
  usage: UsageMetadata | undefined;
  readonly choices: Map<number, ChoiceState>;
  /** The prompt was blocked: the answer is complete without any candidate. */
  blocked: boolean;
}

export function startStream(provider: string, target: Deployment, req: ChatRequest): StreamState {
  return {
    provider,
    model: target.model,
    n: Math.max(1, req.n ?? 1),
    includeUsage: req.stream_options?.include_usage === true,
    id: undefined,
    created: 0,
    usage: undefined,
    choices: new Map(),
    blocked: false,
  };
}

/**
 * One `streamGenerateContent?alt=sse` event → chat chunks. Each event is a partial
 * `GenerateContentResponse`: text and thoughts arrive as deltas, a function call whole (so its
 * arguments go out in one delta, with an id and an index that stay with the call), and
 * `finishReason` on a candidate's last event. An `error` event ends the stream with that error.
 */
export function fromEvent(event: GenerateContentBody, state: StreamState): ChatCompletionChunk[] {
  if (event.error !== undefined) throw streamError(state.provider, event.error);
  if (state.id === undefined) {
    state.id = responseId(event);
    state.created = createdAt(event);
  }
  if (event.usageMetadata !== undefined) state.usage = event.usageMetadata;
  if (event.modelVersion !== undefined) state.model = event.modelVersion;
  const model = state.model;
  const candidates = event.candidates ?? [];
  if (candidates.length === 0) {
    if (event.promptFeedback?.blockReason === undefined) return [];
    state.blocked = true;
    const blocked = Array.from({ length: state.n }, (_, index): ChatCompletionChunkChoice => ({
      index,
      delta: { role: 'assistant' },
      logprobs: null,
      finish_reason: 'content_filter',
    }));
    return [chunk(state, model, blocked)];
  }
  const choices: ChatCompletionChunkChoice[] = [];
  for (const [i, candidate] of candidates.entries()) {
    const index = candidate.index ?? i;
    let choice = state.choices.get(index);
    if (choice === undefined) state.choices.set(index, (choice = { started: false, toolCalls: 0, finished: false }));
    const { content, reasoning, toolCalls } = splitParts(candidate.content?.parts);
    const delta: ChatCompletionDelta = {};
    if (!choice.started) delta.role = 'assistant';
    if (reasoning !== null) delta.reasoning_content = reasoning;
    if (content !== null) delta.content = content;
    if (toolCalls.length > 0) {
      const first = choice.toolCalls;
      delta.tool_calls = toolCalls.map((call, k) => ({ index: first + k, ...call }));
      choice.toolCalls += toolCalls.length;
    }
    const finish = candidate.finishReason === undefined ? null : toFinishReason(candidate.finishReason, choice.toolCalls > 0);
    if (finish !== null) choice.finished = true;
    if (Object.keys(delta).length === 0 && finish === null) continue;
    choice.started = true;
    choices.push({ index, delta, logprobs: null, finish_reason: finish });
  }
  return choices.length === 0 ? [] : [chunk(state, model, choices)];
}

/**
 * With `stream_options.include_usage`, a last chunk without choices carries the usage. A stream
 * that ends before every candidate has a finishReason (and was not a blocked prompt) was cut
 * off: it fails rather than pass for a whole answer.
 */
export function endStream(state: StreamState): ChatCompletionChunk[] {
  if (!state.blocked && !allFinished(state)) throw upstreamInvalid(state.provider, 'stream ended before a finishReason (cut off)');
  if (!state.includeUsage || state.usage === undefined || state.id === undefined) return [];
  return [{ ...chunk(state, state.model, []), usage: toUsage(state.usage) }];
}

function chunk(state: StreamState, model: string, choices: ChatCompletionChunkChoice[]): ChatCompletionChunk {
  return { id: state.id as string, object: 'chat.completion.chunk', created: state.created, model, choices };
}

function allFinished(state: StreamState): boolean {
  if (state.choices.size === 0) return false;
  for (const choice of state.choices.values()) if (!choice.finished) return false;
  return true;
}
