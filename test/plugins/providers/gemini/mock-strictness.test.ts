import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mockGeminiKey, startMockGemini } from '../../../helpers/mock-upstream/gemini.ts';
import type { MockServer } from '../../../helpers/mock-upstream/server.ts';

/** The mock must refuse what Gemini refuses, or the adapter tests could pass against a lenient fake. */
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockGemini();
});
afterAll(() => mock.close());

const user = { role: 'user', parts: [{ text: 'x' }] };
const post = async (body: unknown, headers: Record<string, string> = { 'x-goog-api-key': mockGeminiKey }) => {
  const res = await fetch(`${mock.url}/v1beta/models/gemini-2.0-flash:generateContent`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, error: ((await res.json()) as { error?: { status: string; message: string } }).error };
};

describe('strict Gemini mock', () => {
  test('a valid request is answered', async () => {
    expect((await post({ contents: [user] })).status).toBe(200);
  });

  test.each([
    ['OpenAI fields', { messages: [] }, /Unknown name "messages"/],
    ['empty contents', { contents: [] }, /contents is not specified/],
    ['an OpenAI role', { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, /valid role/],
    ['empty parts', { contents: [{ role: 'user', parts: [] }] }, /must not be empty/],
    ['a functionResponse with no call turn', { contents: [{ role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] }] }, /function call turn/],
    ['additionalProperties in a schema', { contents: [user], tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', additionalProperties: false, properties: { a: { type: 'STRING' } } } }] }] }, /Unknown name "additionalProperties"/],
    ['an OBJECT without properties', { contents: [user], tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', properties: {} } }] }] }, /non-empty for OBJECT/],
    ['allowedFunctionNames with AUTO', { contents: [user], tools: [{ functionDeclarations: [{ name: 'f' }] }], toolConfig: { functionCallingConfig: { mode: 'AUTO', allowedFunctionNames: ['f'] } } }, /only allowed when mode is ANY/],
  ])('rejects %s with INVALID_ARGUMENT', async (_name, body, message) => {
    const { status, error } = await post(body);
    expect(status).toBe(400);
    expect(error?.status).toBe('INVALID_ARGUMENT');
    expect(error?.message).toMatch(message);
  });

  test('a missing key is 403 PERMISSION_DENIED, a wrong one 400 API_KEY_INVALID', async () => {
    expect(await post({ contents: [user] }, {})).toMatchObject({ status: 403, error: { status: 'PERMISSION_DENIED' } });
    expect(await post({ contents: [user] }, { 'x-goog-api-key': 'AIzaWrong' })).toMatchObject({ status: 400, error: { message: expect.stringContaining('API key not valid') } });
  });
});
