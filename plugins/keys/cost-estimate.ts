import type { ForwardOperation, ForwardUnits, Price } from 'switchyard';
import { costNanoUsd } from './spend/cost.ts';
import { forwardCostNanoUsd } from './spend/unit-cost.ts';

/** A request's expected tokens, as tpm reserves them: prompt chars / 4, and `max_tokens` or 256. */
export interface TokenEstimate {
  readonly input: number;
  readonly output: number;
}

/**
 * What `budgetMode: 'reserve'` holds against a budget at admission, integer nano-USD: the
 * estimate priced as uncached input and plain output (no cache discount; reasoning, unknown yet,
 * at the output price), at the dearest deployment that may answer, since
 * routing has not chosen one yet. 0 when none of them has a price (nothing to reserve: the budget
 * is only checked, as in `check` mode).
 *
 * @example
 * // 100 prompt tokens + 256 output on gpt-4o ($2.50 / $10 per M): 100×2500 + 256×10000 = 2_810_000
 * reservedCost({ input: 100, output: 256 }, [{ input: 2.5, output: 10 }]); // 2_810_000
 */
export function reservedCost(tokens: TokenEstimate, prices: readonly (Price | undefined)[]): number {
  const usage = { prompt_tokens: tokens.input, completion_tokens: tokens.output, total_tokens: tokens.input + tokens.output };
  let most = 0;
  for (const price of prices) {
    const cost = costNanoUsd(usage, price);
    if (cost !== null && cost > most) most = cost;
  }
  return most;
}

/**
 * What `budgetMode: 'reserve'` holds for a forwarded call: the units its request names (images
 * × n, characters to speak, rerank searches) at the dearest deployment that may answer. 0 when
 * the request names no unit (a transcription's seconds are only known from its answer, an
 * upload's image count likewise) or no deployment prices it.
 *
 * @example
 * reservedForwardCost('images', { images: 2 }, [{ perImage: 0.04 }]); // 80_000_000
 */
export function reservedForwardCost(operation: ForwardOperation, units: ForwardUnits, prices: readonly (Price | undefined)[]): number {
  let most = 0;
  for (const price of prices) {
    const cost = forwardCostNanoUsd(operation, undefined, units, price);
    if (cost !== null && cost > most) most = cost;
  }
  return most;
}
