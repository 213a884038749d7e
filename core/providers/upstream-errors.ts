import { GatewayError, type GatewayStatus } from '../errors.ts';

/** What a provider's error body said, in its own terms. */
export interface ProviderErrorInfo {
  readonly message: string;
  readonly code?: string | undefined;
  readonly param?: string | undefined;
  /** Seconds, from `Retry-After` or the provider's reset headers. */
  readonly retryAfterS?: number | undefined;
  /** The same wait in ms, when known more precisely (reset headers such as `120ms`). */
  readonly retryAfterMs?: number | undefined;
  /**
   * Overrides the mapping from status: e.g. a 400 that says the context is too long, or one that
   * says the gateway's own key is bad (`upstream_auth_failed`; Gemini answers 400 for that), or a
   * 4xx that is really the upstream's own failure (`upstream_failure` → 502, retryable; Bedrock
   * answers 424 when the model itself failed).
   */
  readonly kind?:
    | 'context_length_exceeded'
    | 'content_policy_violation'
    | 'overloaded'
    | 'upstream_auth_failed'
    | 'upstream_failure'
    | undefined;
}

/**
 * Maps a provider's HTTP status to ours. The provider's message is kept; a failure of the
 * gateway's own upstream credentials is a 502, since the client's key was fine.
 */
export function providerError(provider: string, status: number, info: ProviderErrorInfo): GatewayError {
  const extra = { provider, upstreamStatus: status, code: info.code, param: info.param, retryAfterMs: info.retryAfterMs };
  const message = info.message || `provider '${provider}' answered ${status}`;
  if (info.kind === 'context_length_exceeded') {
    return new GatewayError(400, 'invalid_request_error', message, { ...extra, code: 'context_length_exceeded' });
  }
  if (info.kind === 'content_policy_violation') {
    return new GatewayError(400, 'invalid_request_error', message, { ...extra, code: 'content_policy_violation' });
  }
  if (info.kind === 'overloaded') {
    return new GatewayError(503, 'service_unavailable_error', message, {
      ...extra,
      code: info.code ?? 'upstream_overloaded',
      retryAfterS: info.retryAfterS,
    });
  }
  if (info.kind === 'upstream_failure') {
    return new GatewayError(502, 'api_error', message, { ...extra, code: info.code ?? 'upstream_error', retryAfterS: info.retryAfterS });
  }
  if (status === 401 || status === 403 || info.kind === 'upstream_auth_failed') {
    return new GatewayError(502, 'api_error', `provider '${provider}' rejected the gateway's credentials: ${message}`, {
      ...extra,
      code: 'upstream_auth_failed',
    });
  }
  if (status === 429) {
    return new GatewayError(429, 'rate_limit_error', message, {
      ...extra,
      code: info.code ?? 'rate_limit_exceeded',
      retryAfterS: info.retryAfterS,
    });
  }
  if (status === 408) return new GatewayError(504, 'timeout_error', message, { ...extra, code: 'upstream_timeout' });
  if (status === 404) return new GatewayError(404, 'invalid_request_error', message, { ...extra, code: info.code ?? 'not_found' });
  if (status === 413) return new GatewayError(413, 'invalid_request_error', message, { ...extra, code: info.code ?? 'request_too_large' });
  if (status >= 400 && status < 500) {
    return new GatewayError(400, 'invalid_request_error', message, { ...extra, code: info.code ?? 'invalid_request' });
  }
  const mapped: GatewayStatus = status === 503 || status === 529 ? 503 : status === 504 ? 504 : 502;
  const type = mapped === 503 ? 'service_unavailable_error' : mapped === 504 ? 'timeout_error' : 'api_error';
  return new GatewayError(mapped, type, message, { ...extra, code: info.code ?? 'upstream_error', retryAfterS: info.retryAfterS });
}

/** Error bodies kept with their errors, off the error object so loggers never print them. */
const errorBodies = new WeakMap<GatewayError, string>();
/** Longest error body kept for relaying; past it the error speaks in the gateway's envelope. */
const relayedBodyLimit = 64 * 1024;

/** Keeps a provider's error body (already scrubbed of the keys sent) with the error made of it. */
export function keepUpstreamBody(error: GatewayError, text: string): GatewayError {
  if (text.length > 0 && text.length <= relayedBodyLimit) errorBodies.set(error, text);
  return error;
}

/**
 * The provider's own error body behind a GatewayError, as text scrubbed of the keys the gateway
 * sent: for a route that relays a native provider's errors as they came (Anthropic's on the
 * Messages API). Undefined for the gateway's own errors and bodies over 64 KiB.
 */
export function upstreamBodyOf(error: GatewayError): string | undefined {
  return errorBodies.get(error);
}

/**
 * When a provider's rate limit resets, in ms from now, from the reset headers providers send
 * with a 429: OpenAI-style durations (`x-ratelimit-reset-requests: 1s`, `6m0s`, `120ms`) and
 * Anthropic-style RFC 3339 times (`anthropic-ratelimit-requests-reset`, `-tokens-reset`,
 * `-input-tokens-reset`, `-output-tokens-reset`). The longest wait wins: every limit must have room.
 */
export function rateLimitResetMs(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  let longest: number | undefined;
  for (const name in headers) {
    const isReset =
      name.startsWith('x-ratelimit-reset') || (name.startsWith('anthropic-ratelimit-') && name.endsWith('-reset'));
    if (!isReset) continue;
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) continue;
    const ms = durationMs(value) ?? dateMs(value, now);
    if (ms !== undefined && (longest === undefined || ms > longest)) longest = ms;
  }
  return longest;
}

const durationPart = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;

/** `1h2m3.5s`, `120ms`, or bare seconds (`20`). */
function durationMs(value: string): number | undefined {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  if (!/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(durationPart)) {
    const k = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
    total += Number(n) * k;
  }
  return Math.ceil(total);
}

function dateMs(value: string, now: number): number | undefined {
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** `Retry-After` in seconds (delta-seconds or an HTTP date), if present and sane. */
export function retryAfterSeconds(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const raw = headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.ceil(seconds) : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

const keyLike = /\b(sk-[A-Za-z0-9_*-]{6,}|sk-ant-[A-Za-z0-9_*-]{6,}|AIza[0-9A-Za-z_-]{20,}|AKIA[0-9A-Z]{12,})/g;

/**
 * Removes credentials from a provider's message before it reaches a client or a log: the exact
 * secrets we sent, and anything shaped like a well-known key.
 */
export function scrubSecrets(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) {
    if (secret.length >= 6) out = out.split(secret).join('[redacted]');
  }
  return out.replace(keyLike, '[redacted]');
}
