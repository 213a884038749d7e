import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ChatRequest, Deployment } from 'switchyard';
import { geminiCountTokens } from '../../../../plugins/providers/gemini/count-tokens.ts';
import { mockGeminiCount } from '../../../helpers/mock-upstream/gemini-count.ts';
import { mockGeminiKey, startMockGemini } from '../../../helpers/mock-upstream/gemini.ts';
import type { MockServer } from '../../../helpers/mock-upstream/server.ts';

const target = { id: 'd', provider: 'gemini', model: 'gemini-2.0-flash' } as unknown as Deployment;
const translation = geminiCountTokens('gemini');

const chat: ChatRequest = {
  model: 'claude-sonnet',
  max_tokens: 1,
  temperature: 0.3,
  user: 'u-1',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'weather in Paris?' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
  ],
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
  tool_choice: 'required',
};

describe('geminiCountTokens', () => {
  test('a generateContentRequest for the deployment: contents, systemInstruction, tools and toolConfig; no generation settings', () => {
    const body = translation.toRequest({ body: {}, chat }, target);
    expect(Object.keys(body)).toEqual(['generateContentRequest']);
    const request = body.generateContentRequest;
    expect(request.model).toBe('models/gemini-2.0-flash');
    expect(request.systemInstruction).toEqual({ parts: [{ text: 'be brief' }] });
    expect(request.contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    expect(request.tools?.[0]?.functionDeclarations?.[0]?.name).toBe('get_weather');
    expect(request.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(Object.keys(request).sort()).toEqual(['contents', 'model', 'systemInstruction', 'toolConfig', 'tools']);
  });

  test('totalTokens is the count; Gemini leaves it out when 0; anything else is a 502', () => {
    expect(translation.fromResponse({ totalTokens: 31 }, target)).toBe(31);
    expect(translation.fromResponse({}, target)).toBe(0);
    expect(() => translation.fromResponse({ totalTokens: '31' } as never, target)).toThrow(expect.objectContaining({ status: 502 }));
  });
});

describe('strict mock of models/{model}:countTokens', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMockGemini();
  });
  afterAll(() => mock.close());
  const user = { role: 'user', parts: [{ text: 'x' }] };
  const post = async (body: unknown) => {
    const res = await fetch(`${mock.url}/v1beta/models/gemini-2.0-flash:countTokens`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': mockGeminiKey }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as { totalTokens?: number; error?: { status: string; message: string } } };
  };

  test('contents alone, or a whole generateContentRequest naming the model, is counted', async () => {
    expect(await post({ contents: [user] })).toMatchObject({ status: 200, json: { totalTokens: mockGeminiCount({ contents: [user] }) } });
    const request = { contents: [user], systemInstruction: { parts: [{ text: 's' }] } };
    expect(await post({ generateContentRequest: { model: 'models/gemini-2.0-flash', ...request } })).toMatchObject({ status: 200, json: { totalTokens: mockGeminiCount(request) } });
  });

  test.each([
    ['systemInstruction beside contents', { contents: [user], systemInstruction: { parts: [{ text: 's' }] } }, /Unknown name "systemInstruction"/],
    ['tools beside contents', { contents: [user], tools: [] }, /Unknown name "tools"/],
    ['both contents and generateContentRequest', { contents: [user], generateContentRequest: { model: 'models/gemini-2.0-flash', contents: [user] } }, /cannot both be set/],
    ['a generateContentRequest without the model', { generateContentRequest: { contents: [user] } }, /model/],
    ['an OpenAI role', { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, /valid role/],
  ])('rejects %s with INVALID_ARGUMENT', async (_name, body, message) => {
    const { status, json } = await post(body);
    expect(status).toBe(400);
    expect(json.error?.status).toBe('INVALID_ARGUMENT');
    expect(json.error?.message).toMatch(message);
  });
});
