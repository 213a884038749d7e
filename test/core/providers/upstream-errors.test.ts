import { describe, expect, test } from 'vitest';
import { isRetryable, providerError, retryAfterSeconds, scrubSecrets } from 'switchyard';

describe('providerError maps statuses to the envelope', () => {
  test.each([
    [400, 400, 'invalid_request_error'],
    [401, 502, 'api_error'],
    [403, 502, 'api_error'],
    [404, 404, 'invalid_request_error'],
    [408, 504, 'timeout_error'],
    [413, 413, 'invalid_request_error'],
    [422, 400, 'invalid_request_error'],
    [429, 429, 'rate_limit_error'],
    [500, 502, 'api_error'],
    [503, 503, 'service_unavailable_error'],
    [529, 503, 'service_unavailable_error'],
    [504, 504, 'timeout_error'],
  ])('%i → %i %s', (upstream, status, type) => {
    const err = providerError('acme', upstream, { message: 'said so' });
    expect(err.status).toBe(status);
    expect(err.type).toBe(type);
    expect(err.message).toContain('said so');
  });

  test('kinds override the status', () => {
    expect(providerError('a', 400, { message: 'too long', kind: 'context_length_exceeded' }).toBody().error.code).toBe('context_length_exceeded');
    expect(providerError('a', 400, { message: 'no', kind: 'content_policy_violation' }).toBody().error.code).toBe('content_policy_violation');
    expect(providerError('a', 200, { message: 'busy', kind: 'overloaded' }).status).toBe(503);
    const failed = providerError('a', 424, { message: 'the model failed', kind: 'upstream_failure' });
    expect(failed.toBody().error).toMatchObject({ type: 'api_error', code: 'upstream_error', message: 'the model failed' });
    expect(failed.status).toBe(502);
    expect(isRetryable(failed)).toBe(true);
    expect(providerError('a', 400, { message: 'x', code: 'model_crashed', kind: 'upstream_failure' }).toBody().error.code).toBe('model_crashed');
  });

  test('retryable: provider 429/5xx/408, never other 4xx', () => {
    expect(isRetryable(providerError('a', 429, { message: '' }))).toBe(true);
    expect(isRetryable(providerError('a', 500, { message: '' }))).toBe(true);
    expect(isRetryable(providerError('a', 408, { message: '' }))).toBe(true);
    expect(isRetryable(providerError('a', 400, { message: '' }))).toBe(false);
    expect(isRetryable(providerError('a', 404, { message: '' }))).toBe(false);
  });
});

describe('retryAfterSeconds and scrubSecrets', () => {
  test('delta seconds and HTTP dates', () => {
    expect(retryAfterSeconds({ 'retry-after': '7' })).toBe(7);
    expect(retryAfterSeconds({ 'retry-after': '1.2' })).toBe(2);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterSeconds({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBe(30);
    expect(retryAfterSeconds({ 'retry-after': 'soon' })).toBeUndefined();
    expect(retryAfterSeconds({})).toBeUndefined();
  });

  test('the sent secret and key-shaped strings are removed', () => {
    const out = scrubSecrets('bad key my-secret-value and sk-abcdefghijkl and AIzaSyA1234567890123456789012', ['my-secret-value']);
    expect(out).toBe('bad key [redacted] and [redacted] and [redacted]');
  });
});
