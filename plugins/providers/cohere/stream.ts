import {
  providerError,
  singleChoiceChunk as chunk,
  upstreamInvalid,
  usageChunk,
  type ChatCompletionChunk,
  type ChatRequest,
  type Deployment,
} from 'switchyard';
import { finishReason, usageOf } from './response.ts';
import type { CohereStreamEvent } from './wire.ts';

/** Per-stream state: ids for every chunk, and Cohere's tool-call indexes mapped to ours. */
export interface CohereStreamState {
  id: string;
  /** The configured provider id (`cohere`, or e.g. `cohere-eu`), named in errors. */
  readonly provider: string;
  readonly created: number;
  readonly model: string;
  readonly includeUsage: boolean;
  /** Cohere event index → OpenAI `tool_calls[].index` (0, 1, … in order of appearance). */
  readonly toolIndex: Map<number, number>;
  /** Arguments seen per OpenAI tool index: a call that ends with none gets `{}`. */
  readonly toolArgs: number[];
  ended: boolean;
}

export function startCohereStream(target: Deployment, req: ChatRequest): CohereStreamState {
  return {
    id: '',
    provider: target.provider,
    created: Math.floor(Date.now() / 1000),
    model: target.model,
    includeUsage: req.stream_options?.include_usage === true,
    toolIndex: new Map(),
    toolArgs: [],
    ended: false,
  };
}

const none: readonly ChatCompletionChunk[] = Object.freeze([]);

/** Text or thinking of a content event, as a delta; nothing for an empty one. */
function contentDelta(state: CohereStreamState, content: { text?: string | undefined; thinking?: string | undefined } | undefined) {
  if (content?.thinking) return [chunk(state, { reasoning_content: content.thinking })];
  if (content?.text) return [chunk(state, { content: content.text })];
  return none;
}

/** One Cohere v2 stream event to OpenAI chunks (often none). Throws on an error event. */
export function cohereEventToChunks(event: CohereStreamEvent, state: CohereStreamState): readonly ChatCompletionChunk[] {
  switch (event.type) {
    case 'message-start':
      state.id = event.id ?? state.id;
      return [chunk(state, { role: 'assistant', content: '' })];
    case 'content-start':
      return contentDelta(state, event.delta?.message?.content);
    case 'content-delta':
      return contentDelta(state, event.delta?.message?.content);
    case 'tool-plan-delta': {
      const plan = event.delta?.message?.tool_plan;
      return plan ? [chunk(state, { reasoning_content: plan })] : none;
    }
    case 'tool-call-start': {
      const call = event.delta?.message?.tool_calls;
      const index = state.toolArgs.length;
      state.toolIndex.set(event.index ?? index, index);
      const args = call?.function?.arguments ?? '';
      state.toolArgs.push(args.length);
      return [
        chunk(state, {
          tool_calls: [{ index, id: call?.id ?? `call_${state.id}_${index}`, type: 'function', function: { name: call?.function?.name ?? '', arguments: args } }],
        }),
      ];
    }
    case 'tool-call-delta': {
      const args = event.delta?.message?.tool_calls?.function?.arguments;
      if (!args) return none;
      const index = state.toolIndex.get(event.index ?? -1) ?? state.toolArgs.length - 1;
      state.toolArgs[index] = (state.toolArgs[index] ?? 0) + args.length;
      return [chunk(state, { tool_calls: [{ index, function: { arguments: args } }] })];
    }
    case 'tool-call-end': {
      const index = state.toolIndex.get(event.index ?? -1) ?? state.toolArgs.length - 1;
      if (index < 0 || (state.toolArgs[index] ?? 0) > 0) return none;
      state.toolArgs[index] = 2;
      return [chunk(state, { tool_calls: [{ index, function: { arguments: '{}' } }] })];
    }
    case 'message-end': {
      const delta = event.delta;
      if (delta?.error) throw providerError(state.provider, 502, { message: delta.error });
      state.ended = true;
      const out = [chunk(state, {}, finishReason(delta?.finish_reason, state.provider))];
      const usage = usageOf(delta?.usage);
      if (state.includeUsage && usage !== undefined) out.push(usageChunk(state, usage));
      return out;
    }
    case 'content-end':
    case 'citation-start':
    case 'citation-end':
    case 'debug':
      return none;
    default:
      return unknownEvent(event, state.provider);
  }
}

/** An event outside the documented set: an error body (`{message}`) fails the stream, others are skipped. */
function unknownEvent(event: unknown, provider: string): readonly ChatCompletionChunk[] {
  const message = (event as { message?: unknown }).message;
  if (typeof message === 'string') throw providerError(provider, 502, { message });
  return none;
}

/** A stream that stops before `message-end` was cut short: the client must not take it as complete. */
export function endCohereStream(state: CohereStreamState): readonly ChatCompletionChunk[] {
  if (!state.ended) throw upstreamInvalid(state.provider, 'stream ended before message-end');
  return none;
}
