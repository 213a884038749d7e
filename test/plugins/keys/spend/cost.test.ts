import { describe, expect, test } from 'vitest';
import { shippedPrices, type Price, type Usage } from 'switchyard';
import { toUsage as anthropicUsage } from '../../../../plugins/providers/anthropic/response.ts';
import { toUsage as bedrockUsage } from '../../../../plugins/providers/bedrock/chat-response.ts';
import { usageOf as cohereUsage } from '../../../../plugins/providers/cohere/response.ts';
import { toUsage as geminiUsage } from '../../../../plugins/providers/gemini/response.ts';
import { costNanoUsd } from '../../../../plugins/keys/spend/cost.ts';

const price = (model: string): Price => {
  const p = shippedPrices[model];
  if (p === undefined) throw new Error(`no shipped price for ${model}`);
  return p;
};

/*
 * Expected values are worked by hand in nano-USD per million tokens (USD/M × 1e9), then ÷ 1e6:
 * each comment shows the sum, so a wrong split of the usage (the usual cache and thinking
 * mistakes) gives a different integer.
 */
describe('cost of every provider usage shape, from the adapters themselves', () => {
  test('Anthropic: cache reads and writes priced apart from the uncached input, thinking at the output price', () => {
    const usage = anthropicUsage({
      input_tokens: 12,
      cache_read_input_tokens: 3000,
      cache_creation_input_tokens: 1000,
      output_tokens: 40,
      output_tokens_details: { thinking_tokens: 25 },
    });
    // claude-sonnet-4: 12×3e9 + 3000×0.3e9 + 1000×3.75e9 + 15×15e9 + 25×15e9 = 5_286e9
    expect(costNanoUsd(usage, price('claude-sonnet-4'))).toBe(5_286_000);
  });

  test('Anthropic without caching: the plain input price', () => {
    const usage = anthropicUsage({ input_tokens: 2095, output_tokens: 503, cache_read_input_tokens: null, cache_creation_input_tokens: null });
    // claude-3-5-haiku: 2095×0.8e9 + 503×4e9 = 1_676e9 + 2_012e9
    expect(costNanoUsd(usage, price('claude-3-5-haiku'))).toBe(3_688_000);
  });

  test('Bedrock Converse: cacheReadInputTokens and cacheWriteInputTokens, Claude prices', () => {
    const usage = bedrockUsage({ inputTokens: 8, outputTokens: 3, totalTokens: 2011, cacheReadInputTokens: 500, cacheWriteInputTokens: 1500 });
    // claude-haiku-4-5: 8×1e9 + 500×0.1e9 + 1500×1.25e9 + 3×5e9 = 8e9 + 50e9 + 1_875e9 + 15e9
    expect(costNanoUsd(usage as Usage, price('claude-haiku-4-5'))).toBe(1_948_000);
  });

  test('Gemini: thoughts at the output price on top of the candidates, cached content inside the prompt', () => {
    const usage = geminiUsage({ promptTokenCount: 1200, cachedContentTokenCount: 1024, thoughtsTokenCount: 310, candidatesTokenCount: 42 });
    // gemini-2.5-flash: 176×0.3e9 + 1024×0.03e9 + 42×2.5e9 + 310×2.5e9 = 52.8e9 + 30.72e9 + 105e9 + 775e9
    expect(costNanoUsd(usage, price('gemini-2.5-flash'))).toBe(963_520);
  });

  test('OpenAI: cached_tokens at the cached price, reasoning_tokens inside completion_tokens', () => {
    const usage: Usage = {
      prompt_tokens: 2000,
      completion_tokens: 900,
      total_tokens: 2900,
      prompt_tokens_details: { cached_tokens: 1536 },
      completion_tokens_details: { reasoning_tokens: 640 },
    };
    // o4-mini: 464×1.1e9 + 1536×0.275e9 + 260×4.4e9 + 640×4.4e9 = 510.4e9 + 422.4e9 + 1_144e9 + 2_816e9
    expect(costNanoUsd(usage, price('o4-mini'))).toBe(4_892_800);
  });

  test("DeepSeek over the OpenAI wire: prompt_cache_hit_tokens priced as cache reads", () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100, prompt_cache_hit_tokens: 800, prompt_cache_miss_tokens: 200 } as Usage;
    // deepseek-chat: 200×0.28e9 + 800×0.028e9 + 100×0.42e9 = 56e9 + 22.4e9 + 42e9
    expect(costNanoUsd(usage, price('deepseek-chat'))).toBe(120_400);
  });

  test('Cohere: billed units, no cache discount in its price', () => {
    const usage = cohereUsage({ billed_units: { input_tokens: 300, output_tokens: 12 }, tokens: { input_tokens: 366, output_tokens: 12 }, cached_tokens: 256 });
    // command-r: 300×0.15e9 + 12×0.6e9 = 45e9 + 7.2e9 (cached tokens default to the input price)
    expect(costNanoUsd(usage as Usage, price('command-r'))).toBe(52_200);
  });
});

describe('the arithmetic', () => {
  const usage = (prompt: number, completion: number, extra: Partial<Usage> = {}): Usage => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, ...extra });

  test('an unknown price is null, never 0', () => {
    expect(costNanoUsd(usage(10, 10), undefined)).toBeNull();
  });

  test('a price that is not a finite non-negative number is unknown too', () => {
    expect(costNanoUsd(usage(10, 10), { input: Number.NaN, output: 1 })).toBeNull();
    expect(costNanoUsd(usage(10, 10), { input: 1, output: 1, reasoning: -1 })).toBeNull();
  });

  test('optional prices: cached and cache-write default to input, reasoning to output', () => {
    const u = usage(100, 100, { prompt_tokens_details: { cached_tokens: 30, cache_creation_tokens: 20 }, completion_tokens_details: { reasoning_tokens: 40 } });
    expect(costNanoUsd(u, { input: 1, output: 2 })).toBe(100 * 1000 + 100 * 2000);
    // 50×1e9 + 30×0.5e9 + 20×4e9 + 60×2e9 + 40×8e9 = 50e9 + 15e9 + 80e9 + 120e9 + 320e9
    expect(costNanoUsd(u, { input: 1, output: 2, cachedInput: 0.5, cacheWrite: 4, reasoning: 8 })).toBe(585_000);
  });

  test('no float error: decimal prices sum exactly', () => {
    // gpt-4.1-nano: 7×0.1e9 + 3×0.025e9 + 11×0.4e9 = 0.7e9 + 0.075e9 + 4.4e9 → 5175 (float USD arithmetic gives 5175.000000000001)
    expect(costNanoUsd(usage(10, 11, { prompt_tokens_details: { cached_tokens: 3 } }), price('gpt-4.1-nano'))).toBe(5175);
  });

  test('rounded once, half up', () => {
    expect(costNanoUsd(usage(1, 0), { input: 0.0375, output: 0 })).toBe(38); // 37.5
    expect(costNanoUsd(usage(3, 0), { input: 0.0375, output: 0 })).toBe(113); // 112.5
    expect(costNanoUsd(usage(1, 0), { input: 0.01875, output: 0 })).toBe(19); // 18.75
    expect(costNanoUsd(usage(1, 0), { input: 0.0001, output: 0 })).toBe(0); // 0.1
    // Rounded per call, not per part: two parts of 12.5 make 25, where rounding each part would give 26.
    expect(costNanoUsd(usage(2, 0, { prompt_tokens_details: { cached_tokens: 1 } }), { input: 0.0125, output: 0, cachedInput: 0.0125 })).toBe(25);
  });

  test('large calls stay exact past 2^53 in the intermediate sum', () => {
    // 1M prompt tokens at $75/M: 1e6 × 75e9 = 7.5e16 before the division.
    expect(costNanoUsd(usage(1_000_000, 1_000_000), { input: 75, output: 150 })).toBe(225_000_000_000);
  });

  test('zero tokens cost zero with a known price', () => {
    expect(costNanoUsd(usage(0, 0), price('gpt-4o'))).toBe(0);
  });
});
