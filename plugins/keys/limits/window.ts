/** The rolling window is 60 buckets: with the default 1 s bucket, "any rolling 60 s". */
export const WINDOW_BUCKETS = 60;
export const DEFAULT_BUCKET_MS = 1_000;
/** Longer than any sane answer, so a live stream keeps its slot; a crashed instance's slot frees after it. */
export const DEFAULT_LEASE_TTL_MS = 10 * 60_000;
export const DEFAULT_PARALLEL_RETRY_AFTER_MS = 1_000;

/** Shared validation for counts that reach the store as integers (a float breaks HINCRBY). */
export function assertCount(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
}

/** As assertCount, but negative allowed (refunds of spend are not, but tests of deltas are). */
export function assertInteger(name: string, n: number): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be an integer, got ${n}`);
}

/** Spend counters outlive their window by this much: a late recordSpend or a skewed clock still lands. */
export const SPEND_GRACE_MS = 60 * 60_000;
