import { expect, test } from 'vitest';
import { tokenParts, type Usage } from 'switchyard';

const usage = (u: Partial<Usage> & Record<string, unknown>): Usage => ({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, ...u }) as Usage;

test('the five parts: uncached input, cache reads, cache writes, output without reasoning, reasoning', () => {
  expect(
    tokenParts(usage({
      prompt_tokens: 4012,
      completion_tokens: 40,
      prompt_tokens_details: { cached_tokens: 3000, cache_creation_tokens: 1000 },
      completion_tokens_details: { reasoning_tokens: 25 },
    })),
  ).toEqual({ input: 12, cacheRead: 3000, cacheWrite: 1000, output: 15, reasoning: 25 });
});

test("OpenAI's cache_write_tokens and DeepSeek's prompt_cache_hit_tokens are read when ours are absent", () => {
  expect(tokenParts(usage({ prompt_tokens: 100, prompt_tokens_details: { cache_write_tokens: 40 } }))).toMatchObject({ input: 60, cacheWrite: 40 });
  expect(tokenParts(usage({ prompt_tokens: 1000, prompt_cache_hit_tokens: 800, prompt_cache_miss_tokens: 200 }))).toMatchObject({ input: 200, cacheRead: 800 });
});

test('inconsistent reports are clamped, never negative: cached at most the prompt, reasoning at most the completion', () => {
  expect(
    tokenParts(usage({
      prompt_tokens: 10,
      completion_tokens: 5,
      prompt_tokens_details: { cached_tokens: 8, cache_creation_tokens: 8 },
      completion_tokens_details: { reasoning_tokens: 9 },
    })),
  ).toEqual({ input: 0, cacheRead: 8, cacheWrite: 2, output: 0, reasoning: 5 });
  expect(tokenParts(usage({ prompt_tokens: -3, completion_tokens: Number.NaN, prompt_tokens_details: { cached_tokens: -1 } }))).toEqual({
    input: 0,
    cacheRead: 0,
    cacheWrite: 0,
    output: 0,
    reasoning: 0,
  });
});
