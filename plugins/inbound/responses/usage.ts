import type { Usage as ChatUsage } from 'switchyard';
import type { ResponseUsage } from './types.ts';

/**
 * Chat usage → a Response's: the same counts under the Responses API's names. Cached and
 * reasoning tokens are parts of the input and output counts in both, so nothing is subtracted.
 */
export function responseUsage(usage: ChatUsage | null | undefined): ResponseUsage | undefined {
  if (usage === null || usage === undefined) return undefined;
  const input = usage.prompt_tokens ?? 0;
  const output = usage.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: {
      cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
      cache_write_tokens: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
    },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens ?? input + output,
  };
}
