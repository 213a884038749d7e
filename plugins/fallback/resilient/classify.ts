import { GatewayError } from 'switchyard';

/**
 * What a failed attempt means for the next one:
 * - `retry`: transient (connection error, timeout, garbage, 408, 429, 5xx): the same deployment
 *   may answer after a backoff, then the next one;
 * - `next`: this deployment is misconfigured (the provider answered 401, 403 or 404): cool it
 *   down at once and try the next one;
 * - `context` / `policy`: the prompt is too long / the content was refused here: only the
 *   group's dedicated fallback list can help;
 * - `fatal`: the request's own fault (other 4xx) or the gateway's: no other attempt can help.
 */
export type Verdict = 'retry' | 'next' | 'context' | 'policy' | 'fatal';

export function classify(err: unknown): Verdict {
  if (!(err instanceof GatewayError) || err.extra.provider === undefined) return 'fatal';
  const code = err.extra.code;
  if (code === 'context_length_exceeded') return 'context';
  if (code === 'content_policy_violation') return 'policy';
  const upstream = err.extra.upstreamStatus;
  // No upstream status: the connection failed, timed out, or the body was garbage.
  if (upstream === undefined) return err.status === 499 ? 'fatal' : 'retry';
  // The provider's errorInfo may say more than its status: Gemini refuses a bad key with a 400
  // (mapped to `upstream_auth_failed`), Bedrock reports a failed model with a 424 (mapped to 502).
  if (upstream === 401 || upstream === 403 || upstream === 404 || code === 'upstream_auth_failed') return 'next';
  if (upstream === 408 || upstream === 429 || upstream >= 500 || err.status >= 500) return 'retry';
  return 'fatal';
}

/** The wait a provider asked for, in ms, if it said. */
export function hintedDelayMs(err: unknown): number | undefined {
  if (!(err instanceof GatewayError)) return undefined;
  return err.extra.retryAfterMs ?? (err.extra.retryAfterS === undefined ? undefined : err.extra.retryAfterS * 1000);
}
