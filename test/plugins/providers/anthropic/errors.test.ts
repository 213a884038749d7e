import { describe, expect, test } from 'vitest';
import { providerError } from 'switchyard';
import { anthropicErrorInfo } from '../../../../plugins/providers/anthropic/errors.ts';

const body = (type: string, message: string) => ({ type: 'error', error: { type, message }, request_id: 'req_1' });
const mapped = (status: number, b: unknown, headers = {}) => providerError('anthropic', status, anthropicErrorInfo(status, b, headers));

describe('Anthropic errors → OpenAI envelope', () => {
  test('overloaded_error (529) → 503 with the message kept', () => {
    const err = mapped(529, body('overloaded_error', 'Overloaded'));
    expect(err).toMatchObject({ status: 503, type: 'service_unavailable_error', message: 'Overloaded' });
  });

  test('rate_limit_error → 429 with Retry-After from the reset header when there is no retry-after', () => {
    const reset = new Date(Date.now() + 30_000).toISOString();
    const err = mapped(429, body('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'), { 'anthropic-ratelimit-tokens-reset': reset });
    expect(err.status).toBe(429);
    expect(err.extra.retryAfterS).toBeGreaterThanOrEqual(29);
    expect(err.extra.retryAfterS).toBeLessThanOrEqual(31);
    expect(anthropicErrorInfo(429, body('rate_limit_error', 'x'), { 'retry-after': '7' }).retryAfterS).toBeUndefined();
  });

  test('"prompt is too long" → 400 context_length_exceeded', () => {
    const err = mapped(400, body('invalid_request_error', 'prompt is too long: 208310 tokens > 200000 maximum'));
    expect(err.toBody().error).toMatchObject({ code: 'context_length_exceeded', type: 'invalid_request_error' });
  });

  test('other statuses: invalid request 400, auth 401 → 502 for the gateway, 413, api_error 500 → 502, non-JSON body', () => {
    expect(mapped(400, body('invalid_request_error', 'max_tokens: Field required'))).toMatchObject({ status: 400, message: 'max_tokens: Field required' });
    expect(mapped(401, body('authentication_error', 'invalid x-api-key'))).toMatchObject({ status: 502, extra: { code: 'upstream_auth_failed' } });
    expect(mapped(413, body('request_too_large', 'Request exceeds the maximum allowed number of bytes.'))).toMatchObject({ status: 413 });
    expect(mapped(500, body('api_error', 'Internal server error'))).toMatchObject({ status: 502 });
    expect(mapped(502, '<html>bad gateway</html>')).toMatchObject({ status: 502, message: '<html>bad gateway</html>' });
  });
});
