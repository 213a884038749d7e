import { describe, expect, test } from 'vitest';
import { providerError } from 'switchyard';
import { googleErrorInfo } from '../../../../plugins/providers/gemini/errors.ts';

const mapped = (status: number, body: unknown) => providerError('gemini', status, googleErrorInfo(status, body));
const envelope = (code: number, status: string, message: string, details?: unknown[]) => ({ error: { code, status, message, ...(details ? { details } : {}) } });

describe("Google's error envelope → OpenAI's", () => {
  test('RESOURCE_EXHAUSTED → 429 with RetryInfo delay as retry-after', () => {
    const err = mapped(429, envelope(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.', [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '39s' },
    ]));
    expect(err).toMatchObject({ status: 429, type: 'rate_limit_error', message: 'You exceeded your current quota.', extra: { retryAfterS: 39, code: 'rate_limit_exceeded' } });
  });

  test('INVALID_ARGUMENT about the token count → 400 context_length_exceeded', () => {
    const err = mapped(400, envelope(400, 'INVALID_ARGUMENT', 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).'));
    expect(err).toMatchObject({ status: 400, extra: { code: 'context_length_exceeded' } });
  });

  test('UNAVAILABLE → 503; other INVALID_ARGUMENT → 400 with the lower-cased status as code', () => {
    expect(mapped(503, envelope(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'))).toMatchObject({ status: 503, extra: { code: 'upstream_overloaded' } });
    expect(mapped(400, envelope(400, 'INVALID_ARGUMENT', 'Please use a valid role: user, model.'))).toMatchObject({ status: 400, message: 'Please use a valid role: user, model.', extra: { code: 'invalid_argument' } });
  });

  test("a bad gateway key (Gemini's 400 API_KEY_INVALID) is the gateway's failure: 502", () => {
    const err = mapped(400, envelope(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }]));
    expect(err).toMatchObject({ status: 502, extra: { code: 'upstream_auth_failed' } });
    expect(mapped(403, envelope(403, 'PERMISSION_DENIED', 'Method doesn\'t allow unregistered callers'))).toMatchObject({ status: 502 });
  });

  test('array bodies (non-SSE streams) and non-JSON text are read too', () => {
    expect(googleErrorInfo(500, [envelope(500, 'INTERNAL', 'boom')])).toMatchObject({ message: 'boom', code: 'internal' });
    expect(googleErrorInfo(502, '<html>bad gateway</html>').message).toBe('<html>bad gateway</html>');
    expect(googleErrorInfo(500, {}).message).toBe('Gemini answered 500');
  });
});
