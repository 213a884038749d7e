import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Deployment } from 'switchyard';
import { anthropicCountTokens } from '../../../../plugins/providers/anthropic/count-tokens.ts';
import { mockAnthropicCount } from '../../../helpers/mock-upstream/anthropic-count.ts';
import { mockAnthropicKey, startMockAnthropic } from '../../../helpers/mock-upstream/anthropic.ts';
import type { MockServer } from '../../../helpers/mock-upstream/server.ts';

const target = { id: 'd', provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' } as unknown as Deployment;
const translation = anthropicCountTokens('anthropic');

describe('anthropicCountTokens', () => {
  test("the client's body as it came, only model changed", () => {
    const body = { model: 'claude-sonnet', system: [{ type: 'text', text: 's', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: 'hi' }], thinking: { type: 'enabled', budget_tokens: 2048 } };
    const chat = { model: 'claude-sonnet', messages: [] };
    expect(translation.toRequest({ body, chat }, target)).toEqual({ ...body, model: 'claude-3-5-sonnet-20241022' });
  });

  test('only anthropic-version and anthropic-beta are carried over from the client', () => {
    expect(translation.headers?.({ 'anthropic-version': '2023-01-01', 'anthropic-beta': 'a,b', 'x-api-key': 'sy-client-key', authorization: 'Bearer sy-x', cookie: 'c' })).toEqual({
      'anthropic-version': '2023-01-01',
      'anthropic-beta': 'a,b',
    });
    expect(translation.headers?.({})).toEqual({});
  });

  test('the count is input_tokens; an answer without it is a 502', () => {
    expect(translation.fromResponse({ input_tokens: 42 }, target)).toBe(42);
    expect(() => translation.fromResponse({ tokens: 42 } as never, target)).toThrow(expect.objectContaining({ status: 502 }));
    expect(() => translation.fromResponse({ input_tokens: -1 }, target)).toThrow(expect.objectContaining({ status: 502 }));
  });
});

describe('strict mock of POST /v1/messages/count_tokens', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMockAnthropic();
  });
  afterAll(() => mock.close());
  const headers = { 'x-api-key': mockAnthropicKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
  const ok = { model: 'claude-3-5-sonnet-20241022', messages: [{ role: 'user', content: 'hi' }] };
  const post = async (body: unknown, h: Record<string, string> = headers) => {
    const res = await fetch(`${mock.url}/v1/messages/count_tokens`, { method: 'POST', headers: h, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as { input_tokens?: number; error?: { type: string; message: string } } };
  };

  test('a valid request gets its count', async () => {
    expect(await post(ok)).toEqual({ status: 200, json: { input_tokens: mockAnthropicCount(ok) } });
  });

  test.each([
    ['max_tokens (a Messages field, not a count_tokens one)', { ...ok, max_tokens: 10 }, 400, /max_tokens: Extra inputs/],
    ['stream', { ...ok, stream: true }, 400, /stream: Extra inputs/],
    ['no model', { messages: ok.messages }, 400, /model: Field required/],
    ['an unknown model', { ...ok, model: 'claude-nope' }, 404, /model: claude-nope/],
    ['a first message from the assistant', { ...ok, messages: [{ role: 'assistant', content: 'a' }] }, 400, /first message/],
    ['a tool schema that is not an object', { ...ok, tools: [{ name: 'f', input_schema: { type: 'string' } }] }, 400, /input_schema.type/],
  ])('rejects %s', async (_name, body, status, message) => {
    const { status: got, json } = await post(body);
    expect(got).toBe(status);
    expect(json.error?.message).toMatch(message);
  });

  test('the key and anthropic-version are required here too', async () => {
    expect((await post(ok, { 'anthropic-version': '2023-06-01', 'content-type': 'application/json' })).status).toBe(401);
    expect((await post(ok, { 'x-api-key': mockAnthropicKey, 'content-type': 'application/json' })).status).toBe(400);
  });
});
