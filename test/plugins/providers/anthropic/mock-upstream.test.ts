import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mockAnthropicKey, startMockAnthropic } from '../../../helpers/mock-upstream/anthropic.ts';
import type { MockServer } from '../../../helpers/mock-upstream/server.ts';

/** The strict mock must reject what the real API rejects, or the adapter's tests prove nothing. */
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockAnthropic();
});
afterAll(() => mock.close());

const headers = { 'x-api-key': mockAnthropicKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
const ok = { model: 'claude-3-5-sonnet-20241022', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };

async function post(body: unknown, h: Record<string, string> = headers): Promise<{ status: number; message: string }> {
  const res = await fetch(`${mock.url}/v1/messages`, { method: 'POST', headers: h, body: JSON.stringify(body) });
  const json = (await res.json()) as { type?: string; error?: { message: string } };
  return { status: res.status, message: json.error?.message ?? (json.type === 'message' ? 'ok' : '?') };
}

describe('strict Anthropic mock', () => {
  test('accepts a minimal valid request', async () => {
    expect(await post(ok)).toEqual({ status: 200, message: 'ok' });
  });

  test.each([
    ['missing x-api-key', ok, { 'anthropic-version': '2023-06-01', 'content-type': 'application/json' }, 401, /x-api-key/],
    ['missing anthropic-version', ok, { 'x-api-key': mockAnthropicKey, 'content-type': 'application/json' }, 400, /anthropic-version/],
    ['missing max_tokens', { ...ok, max_tokens: undefined }, headers, 400, /max_tokens/],
    ['an OpenAI-only field', { ...ok, n: 2 }, headers, 400, /n: Extra inputs/],
    ['system role inside messages', { ...ok, messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'x' }] }, headers, 400, /role/],
    ['first message from the assistant', { ...ok, messages: [{ role: 'assistant', content: 'a' }, { role: 'user', content: 'x' }] }, headers, 400, /first message/],
    ['two user messages in a row', { ...ok, messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] }, headers, 400, /alternate/],
    ['an empty text block', { ...ok, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }, headers, 400, /non-empty/],
    [
      'a tool_result without its tool_use',
      { ...ok, messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'r' }] }] },
      headers,
      400,
      /tool_use_id/,
    ],
    [
      'a tool_use without its tool_result',
      { ...ok, messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }, { role: 'user', content: 'b' }] },
      headers,
      400,
      /without `tool_result`/,
    ],
    ['a tool schema that is not an object', { ...ok, tools: [{ name: 'f', input_schema: { type: 'string' } }] }, headers, 400, /input_schema.type/],
    ['forced tool use while thinking', { ...ok, max_tokens: 3000, thinking: { type: 'enabled', budget_tokens: 1024 }, tools: [{ name: 'f', input_schema: { type: 'object' } }], tool_choice: { type: 'any' } }, headers, 400, /Thinking/],
    ['temperature above 1', { ...ok, temperature: 1.5 }, headers, 400, /temperature/],
  ])('rejects %s', async (_name, body, h, status, message) => {
    const res = await post(body, h);
    expect(res.status).toBe(status);
    expect(res.message).toMatch(message);
  });
});
