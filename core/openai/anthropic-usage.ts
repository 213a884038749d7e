import type { Usage } from './types.ts';

/** Token counts as Anthropic reports them, in a Message's `usage` or a stream's events. */
export interface AnthropicTokens {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/** A count from the wire: anything but a finite non-negative number is 0 (relayed bytes are not validated). */
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0);

/**
 * Anthropic's usage in OpenAI's meaning, for the provider's translation and the Messages API's
 * native relay alike. `input_tokens` excludes both cache reads and cache writes, so
 * `prompt_tokens` adds them back: the whole prompt, with the read part in `cached_tokens` and the
 * written part in `cache_creation_tokens` (when there is one), each priced apart.
 * `output_tokens` already includes thinking; `output_tokens_details` only breaks it down.
 *
 * @example
 * anthropicUsage({ input_tokens: 10, cache_read_input_tokens: 100, output_tokens: 5 })
 * // → { prompt_tokens: 110, completion_tokens: 5, total_tokens: 115, prompt_tokens_details: { cached_tokens: 100 } }
 */
export function anthropicUsage(u: AnthropicTokens): Usage {
  const cacheRead = count(u.cache_read_input_tokens);
  const cacheWrite = count(u.cache_creation_input_tokens);
  const prompt = count(u.input_tokens) + cacheRead + cacheWrite;
  const completion = count(u.output_tokens);
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: cacheWrite > 0 ? { cached_tokens: cacheRead, cache_creation_tokens: cacheWrite } : { cached_tokens: cacheRead },
  };
  const thinking = u.output_tokens_details?.thinking_tokens;
  if (typeof thinking === 'number') usage.completion_tokens_details = { reasoning_tokens: thinking };
  return usage;
}
