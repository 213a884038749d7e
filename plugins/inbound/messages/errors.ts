import { upstreamBodyOf, type GatewayError } from 'switchyard';
import type { AnthropicErrorBody, AnthropicErrorType } from './types.ts';

/**
 * Anthropic's error type for a status. The status itself is kept (the same as on the OpenAI
 * routes); only the envelope and the type change. 504 is `timeout_error`, the type Anthropic's
 * SDK declares for its gateway-timeout error object.
 */
export function anthropicErrorType(status: number): AnthropicErrorType {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 408:
    case 504:
      return 'timeout_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/**
 * A gateway error → the status and body the Messages routes answer with. A budget refusal is a
 * `billing_error` whatever status the operator configured for it. An error that came from an
 * upstream speaking Anthropic's envelope (an Anthropic deployment: a native call) passes its body
 * through as it came (its `request_id`, its exact type), with the gateway's status for it; except
 * a refusal of the gateway's own credentials, which is no fault of the client's key (502 api_error).
 *
 * @example
 * toAnthropicError(rateLimited('slow down'))
 * // → { status: 429, body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } } }
 */
export function toAnthropicError(err: GatewayError): { status: number; body: AnthropicErrorBody } {
  const relayed = err.extra.code === 'upstream_auth_failed' ? undefined : anthropicBody(upstreamBodyOf(err));
  if (relayed !== undefined) return { status: err.status, body: relayed };
  const type = err.type === 'budget_exceeded' ? 'billing_error' : anthropicErrorType(err.status);
  return { status: err.status, body: { type: 'error', error: { type, message: err.message } } };
}

/**
 * The error type of a stream that fails after it started: Anthropic sends only these two
 * mid-stream. An upstream that is overloaded or rate-limited is `overloaded_error` (worth a
 * retry later); anything else is `api_error`.
 */
export function streamErrorType(err: GatewayError): 'api_error' | 'overloaded_error' {
  return err.status === 429 || err.status === 503 || err.extra.upstreamStatus === 529 ? 'overloaded_error' : 'api_error';
}

/** An upstream error body in Anthropic's envelope, parsed; undefined for any other text. */
function anthropicBody(text: string | undefined): AnthropicErrorBody | undefined {
  if (text === undefined) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const shape = body as { type?: unknown; error?: { type?: unknown; message?: unknown } } | null;
  const ok = typeof shape === 'object' && shape !== null && shape.type === 'error' && typeof shape.error?.type === 'string' && typeof shape.error.message === 'string';
  return ok ? (body as AnthropicErrorBody) : undefined;
}
