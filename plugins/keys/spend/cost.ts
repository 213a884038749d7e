import { tokenParts, type Price, type Usage } from 'switchyard';
import type { NanoUsd } from '../store/types.ts';

const tokensPerMillion = 1_000_000n;

/**
 * A price in USD per million tokens as integer nano-USD per million tokens (USD/M × 1e9), the
 * one rounding a price gets: a table figure has at most 9 decimals, so this is exact
 * (0.075 → 75_000_000, where 0.075 × 1e9 is 75_000_000.00000001 as a float). Undefined for a
 * negative or non-finite figure (a price built in code, past the config schema), and for none.
 */
export function nanoPerMillion(usdPerMillion: number | undefined): bigint | undefined {
  if (usdPerMillion === undefined || !Number.isFinite(usdPerMillion) || usdPerMillion < 0) return undefined;
  return BigInt(Math.round(usdPerMillion * 1e9));
}

/**
 * The cost of one call in integer nano-USD (1e-9 USD), or `null` when the price is unknown (an
 * unknown model is never $0: the spend row says so, and the roll-ups count it apart; so is a
 * price without token figures, such as `dall-e-3`'s per-image one):
 *
 *   uncached input × input + cache reads × (cachedInput ?? input) + cache writes × (cacheWrite ?? input)
 *   + (completion − reasoning) × output + reasoning × (reasoning ?? output)
 *
 * The usage has OpenAI's meaning (`prompt_tokens` includes cache reads and writes,
 * `completion_tokens` includes reasoning: every provider adapter normalises to it). Tokens ×
 * nano-USD per million tokens is summed in BigInt (a million tokens at $75/M is past 2^53 before
 * the division), then divided by a million and rounded once, half up.
 *
 * @example
 * // 1000 prompt tokens, 600 of them cache reads, 200 completion tokens, on gpt-4o ($2.50 / $1.25 / $10 per M):
 * costNanoUsd({ prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200, prompt_tokens_details: { cached_tokens: 600 } },
 *   { input: 2.5, output: 10, cachedInput: 1.25 }); // 400×2500 + 600×1250 + 200×10000 = 3_750_000 nano-USD ($0.00375)
 */
export function costNanoUsd(usage: Usage, price: Price | undefined): NanoUsd | null {
  if (price === undefined) return null;
  const input = nanoPerMillion(price.input);
  const output = nanoPerMillion(price.output);
  const cachedInput = price.cachedInput === undefined ? input : nanoPerMillion(price.cachedInput);
  const cacheWrite = price.cacheWrite === undefined ? input : nanoPerMillion(price.cacheWrite);
  const reasoning = price.reasoning === undefined ? output : nanoPerMillion(price.reasoning);
  if (input === undefined || output === undefined || cachedInput === undefined || cacheWrite === undefined || reasoning === undefined) return null;
  const t = tokenParts(usage);
  const perMillion =
    BigInt(t.input) * input +
    BigInt(t.cacheRead) * cachedInput +
    BigInt(t.cacheWrite) * cacheWrite +
    BigInt(t.output) * output +
    BigInt(t.reasoning) * reasoning;
  return Number((perMillion + tokensPerMillion / 2n) / tokensPerMillion);
}
