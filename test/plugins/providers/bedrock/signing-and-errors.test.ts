import { describe, expect, test } from 'vitest';
import { isRetryable, providerError } from 'switchyard';
import { bedrockErrorInfo, streamExceptionError } from '../../../../plugins/providers/bedrock/errors.ts';
import { BedrockSigner, encodeModelId } from '../../../../plugins/providers/bedrock/signing.ts';
import { fromConverse } from '../../../../plugins/providers/bedrock/chat-response.ts';
import { mockAwsCredentials } from '../../../helpers/mock-upstream/bedrock.ts';
import { verifySigV4 } from '../../../helpers/mock-upstream/bedrock-sigv4.ts';
import type { RecordedRequest } from '../../../helpers/mock-upstream/server.ts';

async function signedRequest(signer: BedrockSigner, model: string, body: string, region = 'us-east-1'): Promise<RecordedRequest> {
  const url = new URL(`http://127.0.0.1:9/model/${encodeModelId(model)}/converse`);
  const headers = await signer.sign(url, region, body, { 'content-type': 'application/json' });
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: 'POST', url: url.pathname, headers: lower, body, json: JSON.parse(body) };
}

describe('SigV4 signing', () => {
  test('model ids are encoded like the AWS SDK does', () => {
    expect(encodeModelId('anthropic.claude-v2:1')).toBe('anthropic.claude-v2%3A1');
    expect(encodeModelId('arn:aws:bedrock:us-east-1:1:inference-profile/us.x')).toBe('arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.x');
    expect(encodeModelId("a(b)!*'")).toBe('a%28b%29%21%2A%27');
  });

  test('a signature verifies with the secret; a changed body or another secret does not', async () => {
    const signer = new BedrockSigner({ ...mockAwsCredentials });
    const rec = await signedRequest(signer, 'arn:aws:bedrock:us-east-1:1:inference-profile/us.x:0', '{"messages":[]}');
    expect(await verifySigV4(rec, mockAwsCredentials, 'us-east-1')).toBeUndefined();
    expect(rec.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    const tampered = { ...rec, body: '{"messages":[1]}', headers: { ...rec.headers, 'x-amz-content-sha256': undefined } };
    expect(await verifySigV4(tampered, mockAwsCredentials, 'us-east-1')).toMatchObject({ type: 'InvalidSignatureException' });
    expect(await verifySigV4(rec, { ...mockAwsCredentials, secretAccessKey: 'other' }, 'us-east-1')).toMatchObject({ type: 'InvalidSignatureException' });
    expect(await verifySigV4(rec, mockAwsCredentials, 'eu-west-1')).toMatchObject({ message: 'Credential should be scoped to a valid region.' });
  });

  test('the session token is sent as x-amz-security-token and signed', async () => {
    const creds = { ...mockAwsCredentials, sessionToken: 'token-123456' };
    const rec = await signedRequest(new BedrockSigner(creds), 'm', '{}');
    expect(rec.headers['x-amz-security-token']).toBe('token-123456');
    expect(String(rec.headers.authorization)).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
    expect(await verifySigV4(rec, creds, 'us-east-1')).toBeUndefined();
    expect(await verifySigV4(rec, { ...creds, sessionToken: 'other' }, 'us-east-1')).toMatchObject({ type: 'UnrecognizedClientException' });
  });

  test('an old signature is refused (clock skew)', async () => {
    const signer = new BedrockSigner({ ...mockAwsCredentials }, () => new Date(Date.now() - 20 * 60_000));
    const rec = await signedRequest(signer, 'm', '{}');
    expect(await verifySigV4(rec, mockAwsCredentials, 'us-east-1')).toMatchObject({ message: expect.stringMatching(/^Signature expired/) });
  });
});

describe('Bedrock errors and results', () => {
  const h = (type: string) => ({ 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` });

  test('error type from the header; kinds for length and overload; secrets scrubbed', () => {
    expect(bedrockErrorInfo(400, { message: 'Input is too long for requested model.' }, h('ValidationException'), [])).toMatchObject({
      kind: 'context_length_exceeded',
      message: 'ValidationException: Input is too long for requested model.',
    });
    expect(bedrockErrorInfo(400, { message: 'prompt is too long: 210000 tokens > 200000 maximum' }, h('ValidationException'), []).kind).toBe('context_length_exceeded');
    expect(bedrockErrorInfo(400, { message: 'temperature: must be <= 1' }, h('ValidationException'), []).kind).toBeUndefined();
    expect(bedrockErrorInfo(503, { message: 'busy' }, h('ServiceUnavailableException'), []).kind).toBe('overloaded');
    expect(bedrockErrorInfo(429, { message: 'warming' }, h('ModelNotReadyException'), []).kind).toBe('overloaded');
    expect(bedrockErrorInfo(424, { message: 'model failed' }, h('ModelErrorException'), []).kind).toBe('upstream_failure');
    expect(bedrockErrorInfo(424, { message: 'model failed' }, h('ModelStreamErrorException'), []).kind).toBe('upstream_failure');
    const scrubbed = bedrockErrorInfo(403, { Message: 'key AKIDSECRETSECRET1 denied' }, h('AccessDeniedException'), ['AKIDSECRETSECRET1']);
    expect(scrubbed.message).toBe('AccessDeniedException: key [redacted] denied');
    expect(bedrockErrorInfo(502, '<html>bad gateway</html>', {}, []).message).toBe('<html>bad gateway</html>');
  });

  test('ModelErrorException (HTTP 424) and a modelStreamErrorException frame are retryable 502s, not client 400s', () => {
    const http = providerError('bedrock', 424, bedrockErrorInfo(424, { message: 'The model failed.' }, h('ModelErrorException'), []));
    expect(http).toMatchObject({ status: 502, type: 'api_error' });
    expect(isRetryable(http)).toBe(true);
    const frame = streamExceptionError('bedrock', 'modelStreamErrorException', 'failed mid-answer', []);
    expect(frame).toMatchObject({ status: 502, type: 'api_error' });
    expect(isRetryable(frame)).toBe(true);
    // A 424 with another type stays a client error.
    expect(providerError('bedrock', 424, bedrockErrorInfo(424, { message: 'x' }, h('ValidationException'), [])).status).toBe(400);
  });

  test('Converse response: text blocks joined, tool calls, reasoning, usage with cache tokens, stop reasons', () => {
    const target = { id: 'd', group: 'g', provider: 'bedrock', model: 'm' };
    const res = fromConverse(
      {
        output: {
          message: {
            role: 'assistant',
            content: [
              { reasoningContent: { reasoningText: { text: 'r', signature: 's' } } },
              { text: 'a' },
              { text: 'b' },
              { toolUse: { toolUseId: 'tu', name: 'f', input: {} } },
            ],
          },
        },
        stopReason: 'tool_use',
        usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7, cacheReadInputTokens: 2, cacheWriteInputTokens: 1 },
        metrics: { latencyMs: 1 },
      },
      target,
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
    );
    expect(res.choices[0]?.message).toMatchObject({
      content: 'ab',
      reasoning_content: 'r',
      tool_calls: [{ id: 'tu', type: 'function', function: { name: 'f', arguments: '{}' } }],
    });
    expect(res.choices[0]?.finish_reason).toBe('tool_calls');
    expect(res.usage).toEqual({ prompt_tokens: 6, completion_tokens: 4, total_tokens: 10, prompt_tokens_details: { cached_tokens: 2, cache_creation_tokens: 1 } });
    const empty = fromConverse({ output: { message: { role: 'assistant', content: [] } }, stopReason: 'end_turn', usage: undefined, metrics: undefined }, target, {
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(empty.choices[0]?.message.content).toBeNull();
    expect(empty.choices[0]?.finish_reason).toBe('stop');
  });
});
