import type { GatewayError } from 'switchyard';
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
 * `billing_error` whatever status the operator configured for it.
 *
 * @example
 * toAnthropicError(rateLimited('slow down'))
 * // → { status: 429, body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } } }
 */
export function toAnthropicError(err: GatewayError): { status: number; body: AnthropicErrorBody } {
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
