import type { ChatCompletion, ChatCompletionChunk, ChatRequest, ChatTranslation, Deployment } from 'switchyard';
import { toCohereRequest } from './request.ts';
import { fromCohereResponse } from './response.ts';
import { cohereEventToChunks, endCohereStream, startCohereStream, type CohereStreamState } from './stream.ts';
import type { CohereChatRequest, CohereChatResponse, CohereStreamEvent } from './wire.ts';

/** OpenAI chat ↔ Cohere v2 chat. Cohere has no `n`: the core fans out `n > 1`. */
export const cohereChat: ChatTranslation<CohereChatRequest, CohereChatResponse, CohereStreamEvent, CohereStreamState> = {
  unsupported: [
    'logit_bias',
    'logprobs',
    'top_logprobs',
    'audio',
    'modalities',
    'prediction',
    'functions',
    'function_call',
    'web_search_options',
    'reasoning_effort',
    'verbosity',
    'parallel_tool_calls',
    'user',
    'metadata',
    'store',
    'service_tier',
    'safety_identifier',
    'prompt_cache_key',
  ],
  supportsN: false,
  toRequest(req: ChatRequest, target: Deployment): CohereChatRequest {
    return toCohereRequest(req, target);
  },
  fromResponse(res: CohereChatResponse, target: Deployment): ChatCompletion {
    return fromCohereResponse(res, target);
  },
  startStream: startCohereStream,
  fromEvent(event: CohereStreamEvent, state: CohereStreamState, name: string | undefined): readonly ChatCompletionChunk[] {
    // The type is in the data; the SSE event name repeats it, and stands in if the data lacks it.
    const untyped = (event as { type?: unknown }).type === undefined;
    const typed = untyped && name !== undefined ? ({ ...(event as object), type: name } as CohereStreamEvent) : event;
    return cohereEventToChunks(typed, state);
  },
  endStream: endCohereStream,
};
