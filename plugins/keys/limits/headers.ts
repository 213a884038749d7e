import type { RateHeadroom } from './types.ts';

/**
 * A duration as OpenAI writes it in `x-ratelimit-reset-*` (Go's `time.Duration` format, whole
 * milliseconds): `0s`, `12ms`, `1s`, `1.5s`, `6m0s`, `1h2m3s`. Clients parse exactly this shape.
 */
export function formatResetDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const millis = total % 60_000;
  const whole = Math.floor(millis / 1000);
  const fraction = millis % 1000;
  // Go prints the fraction's digits without trailing zeros: 1.5s, 1.25s, 1.005s.
  const seconds = fraction === 0 ? `${whole}s` : `${whole}.${String(fraction).padStart(3, '0').replace(/0+$/, '')}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

/** OpenAI's rate-limit headers: the `-requests` three when an rpm limit applies, the `-tokens` three for tpm. */
export function rateLimitHeaders(result: RateHeadrooms): Record<string, string> {
  const headers: Record<string, string> = {};
  setRateLimitHeaders(headers, result);
  return headers;
}

/** `rateLimitHeaders`, written straight into a response's headers (no object per request). */
export function setRateLimitHeaders(headers: Record<string, string>, result: RateHeadrooms): void {
  const { requests, tokens } = result;
  if (requests !== undefined) {
    headers['x-ratelimit-limit-requests'] = String(requests.limit);
    headers['x-ratelimit-remaining-requests'] = String(requests.remaining);
    headers['x-ratelimit-reset-requests'] = formatResetDuration(requests.resetMs);
  }
  if (tokens !== undefined) {
    headers['x-ratelimit-limit-tokens'] = String(tokens.limit);
    headers['x-ratelimit-remaining-tokens'] = String(tokens.remaining);
    headers['x-ratelimit-reset-tokens'] = formatResetDuration(tokens.resetMs);
  }
}

interface RateHeadrooms {
  readonly requests: RateHeadroom | undefined;
  readonly tokens: RateHeadroom | undefined;
}

/**
 * `Retry-After` in whole seconds, rounded up (a client that waits exactly that long succeeds), and
 * `retry-after-ms`, which the openai SDKs read first for the precise wait.
 */
export function retryAfterHeaders(ms: number): { readonly 'retry-after': string; readonly 'retry-after-ms': string } {
  const exact = Math.max(0, Math.ceil(ms));
  return { 'retry-after': String(Math.ceil(exact / 1000)), 'retry-after-ms': String(exact) };
}
