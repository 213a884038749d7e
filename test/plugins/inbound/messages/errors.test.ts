import { describe, expect, test } from 'vitest';
import {
  bodyTooLarge,
  GatewayError,
  internalError,
  invalidParam,
  modelNotFound,
  noHealthyDeployment,
  rateLimited,
  unauthorized,
  forbidden,
  upstreamInvalid,
  upstreamTimeout,
  type GatewayStatus,
} from 'switchyard';
import { streamErrorType, toAnthropicError } from '../../../../plugins/inbound/messages/errors.ts';

describe('toAnthropicError', () => {
  test.each([
    ['400', invalidParam('max_tokens', "'max_tokens' is required"), 400, 'invalid_request_error'],
    ['401', unauthorized('invalid API key'), 401, 'authentication_error'],
    ['402 budget', new GatewayError(402, 'budget_exceeded', 'budget of key k spent'), 402, 'billing_error'],
    ['403', forbidden('model not allowed'), 403, 'permission_error'],
    ['404 (an OpenAI invalid_request_error)', modelNotFound('claude-x'), 404, 'not_found_error'],
    ['413', bodyTooLarge(1024), 413, 'request_too_large'],
    ['429', rateLimited('slow down', 3), 429, 'rate_limit_error'],
    ['500', internalError(), 500, 'api_error'],
    ['502', upstreamInvalid('openai', 'bad json'), 502, 'api_error'],
    ['503', noHealthyDeployment('m'), 503, 'overloaded_error'],
    ['504', upstreamTimeout('openai', 30_000), 504, 'timeout_error'],
  ] as const)('%s → same status, Anthropic envelope and type', (_name, err, status, type) => {
    expect(toAnthropicError(err)).toEqual({ status, body: { type: 'error', error: { type, message: err.message } } });
  });

  test('a budget refusal under another configured status is still billing_error', () => {
    expect(toAnthropicError(new GatewayError(429, 'budget_exceeded', 'spent')).body.error.type).toBe('billing_error');
  });

  test.each([
    [408, 'timeout_error'],
    [409, 'invalid_request_error'],
    [415, 'invalid_request_error'],
    [422, 'invalid_request_error'],
    [431, 'invalid_request_error'],
  ] as const)('%i → %s', (status, type) => {
    expect(toAnthropicError(new GatewayError(status as GatewayStatus, 'invalid_request_error', 'x')).body.error.type).toBe(type);
  });
});

describe('streamErrorType', () => {
  test('overloaded for 429, 503 and an upstream 529; api_error otherwise', () => {
    expect(streamErrorType(rateLimited('x'))).toBe('overloaded_error');
    expect(streamErrorType(noHealthyDeployment('m'))).toBe('overloaded_error');
    expect(streamErrorType(new GatewayError(502, 'api_error', 'overloaded', { provider: 'anthropic', upstreamStatus: 529 }))).toBe('overloaded_error');
    expect(streamErrorType(upstreamInvalid('openai', 'cut'))).toBe('api_error');
    expect(streamErrorType(upstreamTimeout('openai', 1000))).toBe('api_error');
    expect(streamErrorType(internalError())).toBe('api_error');
  });
});
