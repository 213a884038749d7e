import type { ProviderErrorInfo } from 'switchyard';

/**
 * Cohere's error bodies are `{ "message": "…" }` (sometimes with an `id`). The status carries the
 * kind (429 rate limit, 503 overloaded…); the message tells context overflow and blocked content.
 */
export function cohereErrorInfo(status: number, body: unknown): ProviderErrorInfo {
  const raw = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
  const message =
    typeof raw === 'string' ? raw : typeof body === 'string' && body.length > 0 ? body.slice(0, 500) : `cohere answered ${status}`;
  // 498 is Cohere's "invalid token" (the SDK's InvalidTokenError): the gateway's key, not the client's.
  if (status === 498) return { message, kind: 'upstream_auth_failed' };
  // 499 "request cancelled": the gateway did not cancel it (an aborted call never reads an answer).
  if (status === 499) return { message, kind: 'upstream_failure' };
  if (/too many tokens|context length|context window|prompt is too long/i.test(message)) {
    return { message, kind: 'context_length_exceeded' };
  }
  if (/blocked (input|output)|usage polic|toxic|content moderation/i.test(message)) {
    return { message, kind: 'content_policy_violation' };
  }
  return { message };
}
