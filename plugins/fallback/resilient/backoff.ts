import type { Random } from 'switchyard';

export interface BackoffPolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The wait before retry number `retry` (0 for the first) of the same deployment: exponential
 * backoff with full jitter (uniform in [0, base·2^retry], capped), or exactly what the provider
 * asked for (`Retry-After`, reset headers). Undefined when the provider asks for longer than
 * the cap: waiting that long is worse than trying another deployment.
 */
export function retryDelayMs(retry: number, policy: BackoffPolicy, random: Random, hintMs: number | undefined): number | undefined {
  if (hintMs !== undefined) return hintMs > policy.maxDelayMs ? undefined : hintMs;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}
