import { describe, expect, test } from 'vitest';
import { providerError } from 'switchyard';
import { azureErrorInfo } from '../../../../plugins/providers/azure/errors.ts';

const mapped = (status: number, body: unknown) => providerError('azure', status, azureErrorInfo(status, body));

describe('azureErrorInfo', () => {
  test('content filter refusal → 400 content_policy_violation (by code, or by innererror alone)', () => {
    const body = {
      error: {
        message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
        type: null,
        param: 'prompt',
        code: 'content_filter',
        status: 400,
        innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: { hate: { filtered: true, severity: 'medium' } } },
      },
    };
    expect(mapped(400, body)).toMatchObject({ status: 400, message: body.error.message, extra: { code: 'content_policy_violation' } });
    expect(mapped(400, { error: { message: 'm', innererror: { code: 'ResponsibleAIPolicyViolation' } } }).extra.code).toBe('content_policy_violation');
  });

  test('context length, deployment not found, rate limit, Entra failure', () => {
    expect(mapped(400, { error: { message: "This model's maximum context length is 8192 tokens.", code: 'context_length_exceeded' } }).extra.code).toBe('context_length_exceeded');
    expect(mapped(404, { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist.' } })).toMatchObject({
      status: 404,
      extra: { code: 'DeploymentNotFound' },
    });
    expect(mapped(429, { error: { code: '429', message: 'Rate limit is exceeded.' } })).toMatchObject({ status: 429, extra: { code: 'rate_limit_exceeded' } });
    expect(mapped(401, { statusCode: 401, message: 'Unauthorized. Access token is missing, invalid, audience is incorrect, or have expired.' })).toMatchObject({
      status: 502,
      message: expect.stringContaining('Access token is missing'),
    });
  });

  test('a non-JSON body is kept as the message; an empty one names the status', () => {
    expect(azureErrorInfo(502, '<html>Bad Gateway</html>').message).toBe('<html>Bad Gateway</html>');
    expect(azureErrorInfo(500, '').message).toBe('azure answered 500');
  });
});
