import type { Usage } from './types.ts';

/**
 * A usage split into the parts that are priced apart. The five parts add up to `total_tokens`
 * (prompt + completion) of a consistent usage.
 */
export interface TokenParts {
  /** Prompt tokens neither read from nor written to a cache. */
  readonly input: number;
  /** Prompt tokens read from the cache. */
  readonly cacheRead: number;
  /** Prompt tokens written to the cache. */
  readonly cacheWrite: number;
  /** Completion tokens that are not reasoning. */
  readonly output: number;
  /** Completion tokens spent on reasoning. */
  readonly reasoning: number;
}

/** Top-level fields some OpenAI-wire servers send instead of `prompt_tokens_details`. */
interface LooseUsage {
  /** DeepSeek's cache hits (its `prompt_tokens` includes them, as OpenAI's does). */
  readonly prompt_cache_hit_tokens?: unknown;
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0);

/**
 * Splits a usage (OpenAI's meaning, see `Usage`) into its priced parts. Reads
 * `cache_creation_tokens`, else OpenAI's `cache_write_tokens`, and `cached_tokens`, else
 * DeepSeek's `prompt_cache_hit_tokens`, since OpenAI-wire answers pass through unchanged.
 * Inconsistent counts are clamped, never negative: cached parts at most the prompt, reasoning at
 * most the completion, so a provider's odd report can neither create nor hide tokens.
 *
 * @example
 * tokenParts({ prompt_tokens: 100, completion_tokens: 50, total_tokens: 150,
 *   prompt_tokens_details: { cached_tokens: 60 }, completion_tokens_details: { reasoning_tokens: 20 } })
 * // → { input: 40, cacheRead: 60, cacheWrite: 0, output: 30, reasoning: 20 }
 */
export function tokenParts(usage: Usage): TokenParts {
  const prompt = count(usage.prompt_tokens);
  const completion = count(usage.completion_tokens);
  const details = usage.prompt_tokens_details;
  const read = Math.min(prompt, count(details?.cached_tokens ?? (usage as LooseUsage).prompt_cache_hit_tokens));
  const write = Math.min(prompt - read, count(details?.cache_creation_tokens ?? details?.cache_write_tokens));
  const reasoning = Math.min(completion, count(usage.completion_tokens_details?.reasoning_tokens));
  return { input: prompt - read - write, cacheRead: read, cacheWrite: write, output: completion - reasoning, reasoning };
}
