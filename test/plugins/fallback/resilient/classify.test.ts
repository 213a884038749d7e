import { describe, expect, test } from 'vitest';
import { GatewayError, providerError } from 'switchyard';
import { classify } from '../../../../plugins/fallback/resilient/classify.ts';

describe('classify reads the mapped error, not only the upstream status', () => {
  test.each([
    [429, {}, 'retry'],
    [500, {}, 'retry'],
    [401, {}, 'next'],
    [404, {}, 'next'],
    [400, {}, 'fatal'],
    [400, { kind: 'context_length_exceeded' }, 'context'],
    // Gemini: a bad gateway key is a 400 API_KEY_INVALID.
    [400, { kind: 'upstream_auth_failed' }, 'next'],
    // Cohere: 498 invalid token.
    [498, { kind: 'upstream_auth_failed' }, 'next'],
    // Bedrock: ModelErrorException is a 424.
    [424, { kind: 'upstream_failure' }, 'retry'],
    [424, {}, 'fatal'],
  ] as const)('%i %j → %s', (status, info, verdict) => {
    expect(classify(providerError('p', status, { message: 'm', ...info }))).toBe(verdict);
  });

  test("the gateway's own errors are fatal", () => {
    expect(classify(new GatewayError(502, 'api_error', 'x'))).toBe('fatal');
  });
});
