import type { IncomingHttpHeaders } from 'node:http';
import { providerError, scrubSecrets, type GatewayError, type ProviderErrorInfo } from 'switchyard';

/** Anthropic's error body: `{type: 'error', error: {type, message}}`. */
interface AnthropicErrorBody {
  type?: unknown;
  error?: { type?: unknown; message?: unknown };
}

/** The HTTP status Anthropic documents for each error type; used for errors inside a stream. */
const statusByType: Readonly<Record<string, number>> = Object.freeze({
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
});

const contextTooLong = /prompt is too long|exceeds? the context window|context limit|maximum context length/i;

/** Reads Anthropic's error body (or a proxy's text) into a message and kind. */
export function anthropicErrorInfo(status: number, body: unknown, headers: IncomingHttpHeaders): ProviderErrorInfo {
  const shape = (typeof body === 'object' && body !== null ? body : {}) as AnthropicErrorBody;
  const type = typeof shape.error?.type === 'string' ? shape.error.type : undefined;
  const raw = shape.error?.message;
  const message = typeof raw === 'string' ? raw : typeof body === 'string' && body !== '' ? body.slice(0, 500) : `Anthropic answered ${status}`;
  const kind =
    type === 'overloaded_error' || status === 529 ? 'overloaded' : contextTooLong.test(message) ? 'context_length_exceeded' : undefined;
  return {
    message,
    code: type === 'request_too_large' ? 'request_too_large' : undefined,
    kind,
    retryAfterS: status === 429 ? rateLimitReset(headers) : undefined,
  };
}

/**
 * Without `Retry-After` (which the core reads first), Anthropic's rate-limit reset headers say
 * when capacity returns, as RFC 3339 times.
 */
function rateLimitReset(headers: IncomingHttpHeaders, now = Date.now()): number | undefined {
  if (headers['retry-after'] !== undefined) return undefined;
  let latest: number | undefined;
  for (const name of ['anthropic-ratelimit-requests-reset', 'anthropic-ratelimit-tokens-reset', 'anthropic-ratelimit-input-tokens-reset', 'anthropic-ratelimit-output-tokens-reset']) {
    const value = headers[name];
    const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!Number.isNaN(at)) latest = Math.max(latest ?? 0, Math.ceil((at - now) / 1000));
  }
  return latest === undefined ? undefined : Math.max(0, latest);
}

/** An `event: error` inside a stream, mapped as its HTTP twin would be. */
export function streamError(provider: string, data: unknown, secrets: readonly string[]): GatewayError {
  const shape = (typeof data === 'object' && data !== null ? data : {}) as AnthropicErrorBody;
  const type = typeof shape.error?.type === 'string' ? shape.error.type : 'api_error';
  const status = statusByType[type] ?? 500;
  const info = anthropicErrorInfo(status, data, {});
  return providerError(provider, status, { ...info, message: scrubSecrets(info.message, secrets) });
}
