/** 1 USD in the store's unit, nano-USD (see store/types.ts for why integers). */
export const NANO_PER_USD = 1_000_000_000;

/**
 * Decimal USD from the admin API (`max_budget: 25.5`, a LiteLLM import's `spend`) to integer
 * nano-USD, rounded to the nearest nano-dollar (binary floats hold 25.1 as 25.09999…).
 * `undefined` for a negative, non-finite or too large amount, so the API can answer 400.
 */
export function usdToNano(usd: number): number | undefined {
  if (!Number.isFinite(usd) || usd < 0) return undefined;
  const nano = Math.round(usd * NANO_PER_USD);
  return Number.isSafeInteger(nano) ? nano : undefined;
}

/** Integer nano-USD to the decimal USD the API shows. */
export function nanoToUsd(nano: number): number {
  return nano / NANO_PER_USD;
}
