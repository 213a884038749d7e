import { expect, test } from 'vitest';
import { openAIErrorInfo } from '../../../../plugins/providers/openai/index.ts';

test('OpenAI envelope, looser compatible shapes, and kinds', () => {
  expect(openAIErrorInfo(400, { error: { message: 'm', code: 'c', param: 'p', type: 't' } })).toMatchObject({ message: 'm', code: 'c', param: 'p' });
  expect(openAIErrorInfo(400, { error: { message: "This model's maximum context length is 8192 tokens", code: null } }).kind).toBe('context_length_exceeded');
  expect(openAIErrorInfo(400, { error: { message: 'x', code: 'content_filter' } }).kind).toBe('content_policy_violation');
  expect(openAIErrorInfo(422, { detail: 'vllm says no' }).message).toBe('vllm says no');
  expect(openAIErrorInfo(500, { error: 'plain string' }).message).toBe('plain string');
  expect(openAIErrorInfo(502, '<html>bad gateway</html>').message).toBe('<html>bad gateway</html>');
  expect(openAIErrorInfo(503, {}).message).toBe('upstream answered 503');
});
