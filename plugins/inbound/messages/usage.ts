import type { Usage } from 'switchyard';
import type { AnthropicUsage } from './types.ts';

/**
 * Cache writes, where an adapter reports them. Not part of OpenAI's usage, so read as an
 * optional extension of `prompt_tokens_details`.
 */
type PromptDetails = NonNullable<Usage['prompt_tokens_details']> & { cache_creation_tokens?: number | null };

/**
 * OpenAI usage → Anthropic's meaning. OpenAI's `prompt_tokens` is the whole prompt; Anthropic
 * counts cache reads and cache writes apart, so `input_tokens` is what remains. Unknown usage
 * reads as zeros.
 */
export function anthropicUsage(usage: Usage | null | undefined): AnthropicUsage {
  const details = usage?.prompt_tokens_details as PromptDetails | null | undefined;
  const cacheRead = details?.cached_tokens ?? 0;
  const cacheCreation = details?.cache_creation_tokens ?? 0;
  const result: AnthropicUsage = {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cacheRead - cacheCreation),
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: cacheRead,
    output_tokens: usage?.completion_tokens ?? 0,
  };
  const reasoning = usage?.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number') result.output_tokens_details = { thinking_tokens: reasoning };
  return result;
}
