import { describe, expect, test } from 'vitest';
import { isRetryable, providerError } from 'switchyard';
import { cohereErrorInfo } from '../../../../plugins/providers/cohere/errors.ts';

describe('cohereErrorInfo', () => {
  test.each([
    [400, { message: 'too many tokens: total number of tokens in the prompt cannot exceed 4081 - received 5000.' }, 400, 'context_length_exceeded'],
    [400, { message: 'blocked output: please adjust your prompt and try again, as this request may violate our usage policy' }, 400, 'content_policy_violation'],
    [429, { message: 'You are using a Trial key, which is limited to 10 API calls / minute.' }, 429, 'rate_limit_exceeded'],
    [400, { id: 'x', message: 'invalid request: unknown field: parameter foo is not a valid field' }, 400, 'invalid_request'],
    [503, 'upstream connect error', 503, 'upstream_error'],
    [401, { message: 'invalid api token' }, 502, 'upstream_auth_failed'],
    [498, { message: 'invalid api token' }, 502, 'upstream_auth_failed'],
    [499, { message: 'request cancelled' }, 502, 'upstream_error'],
  ])('%i %j → %i %s', (status, body, expected, code) => {
    const err = providerError('cohere', status, cohereErrorInfo(status, body));
    expect(err.status).toBe(expected);
    expect(err.extra.code).toBe(code);
  });

  test('498 (invalid token) is the gateway key failing; 499 (cancelled upstream) is retryable', () => {
    const invalid = providerError('cohere', 498, cohereErrorInfo(498, { message: 'invalid api token' }));
    expect(invalid).toMatchObject({ status: 502, type: 'api_error' });
    expect(invalid.message).toContain("rejected the gateway's credentials");
    expect(isRetryable(providerError('cohere', 499, cohereErrorInfo(499, { message: 'request cancelled' })))).toBe(true);
  });

  test('the message is kept; a body without one names the status', () => {
    expect(cohereErrorInfo(404, { message: "model 'x' not found" }).message).toBe("model 'x' not found");
    expect(cohereErrorInfo(500, '').message).toBe('cohere answered 500');
  });
});
