import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import anthropic from '../../../plugins/providers/anthropic/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { maxBodyDepth } from '../../../core/server/parse-body.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { mockAnthropicKey, startMockAnthropic } from '../../helpers/mock-upstream/anthropic.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';

// Issue #12.3 (deep nesting: a 500 on re-serialising paths, a 200 on the bytes-forwarded one) and
// #12.6 (duplicate keys: the gateway validated the last value and forwarded bytes whose first
// value an upstream may use). Both are refused at parse time, with the same 400 on every path.

let openaiUp: MockServer;
let anthropicUp: MockServer;
let gw: RunningGateway;

beforeAll(async () => {
  openaiUp = await startMockOpenAI();
  anthropicUp = await startMockAnthropic();
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: mockOpenAIKey, baseURL: `${openaiUp.url}/v1` }),
        anthropic({ apiKey: mockAnthropicKey, baseURL: anthropicUp.url }),
        modelRouting({}),
      ],
      models: [{ name: 'smart', deployments: [{ provider: 'openai', model: 'gpt-4o' }] }],
    }),
  );
});
afterAll(async () => {
  await gw.close(100);
  await openaiUp.close();
  await anthropicUp.close();
});
beforeEach(() => {
  openaiUp.reset();
  anthropicUp.reset();
});

async function post(body: string): Promise<{ status: number; error: { message: string; param: string | null; code: string | null } | undefined }> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const json = (await res.json()) as { error?: { message: string; param: string | null; code: string | null } };
  return { status: res.status, error: json.error };
}

const nested = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const chatWith = (model: string, extra: string): string =>
  `{"model":${JSON.stringify(model)},"max_tokens":16,"messages":[{"role":"user","content":"hi"}],${extra}}`;

// Group with bytes forwarded, provider/model with bytes forwarded, a translated provider (re-serialised).
const paths = ['smart', 'openai/gpt-4o', 'anthropic/claude-3-5-sonnet-20241022'];

describe('nesting depth', () => {
  for (const model of paths) {
    test(`10,000 levels in a field → 400 naming it, not a 500 (${model})`, async () => {
      const { status, error } = await post(chatWith(model, `"metadata":{"deep":${nested(10_000)}}`));
      expect(status).toBe(400);
      expect(error?.code).toBe('too_deeply_nested');
      expect(error?.param).toMatch(/^metadata\.deep(\[0\])+/);
      expect(error?.message).toContain(`deeper than ${maxBodyDepth} levels`);
      expect(openaiUp.requests.length + anthropicUp.requests.length).toBe(0);
    });
  }

  test('deep nesting inside messages is named by its path', async () => {
    const content = `[{"type":"text","text":"x","extra":${nested(500)}}]`;
    const { status, error } = await post(`{"model":"smart","messages":[{"role":"user","content":${content}}]}`);
    expect(status).toBe(400);
    expect(error?.param).toMatch(/^messages\[0\]\.content\[0\]\.extra\[0\]/);
  });

  test(`exactly ${maxBodyDepth} levels (the body itself is one) pass`, async () => {
    const ok = await post(chatWith('smart', `"metadata":{"deep":${nested(maxBodyDepth - 2)}}`));
    expect(ok.status).toBe(200);
    const over = await post(chatWith('smart', `"metadata":{"deep":${nested(maxBodyDepth - 1)}}`));
    expect(over.status).toBe(400);
  });
});

describe('duplicate keys', () => {
  for (const model of paths) {
    test(`a top-level key given twice → 400 naming it, nothing forwarded (${model})`, async () => {
      const body = `{"model":${JSON.stringify(model)},"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`;
      const { status, error } = await post(body);
      expect(status).toBe(400);
      expect(error).toEqual(expect.objectContaining({ code: 'duplicate_key', param: 'model' }));
      expect(openaiUp.requests.length + anthropicUp.requests.length).toBe(0);
    });
  }

  test('a nested key, and one spelled with an escape, are duplicates too', async () => {
    const nestedDup = await post('{"model":"smart","messages":[{"role":"user","content":"a"},{"role":"assistant","role":"user","content":"b"}]}');
    expect(nestedDup.status).toBe(400);
    expect(nestedDup.error?.param).toBe('messages[1].role');
    const escaped = await post('{"model":"smart","max_tokens":5,"messages":[{"role":"user","content":"a"}],"max_tok\\u0065ns":4096}');
    expect(escaped.status).toBe(400);
    expect(escaped.error?.param).toBe('max_tokens');
    expect(openaiUp.requests).toHaveLength(0);
  });

  test('no false alarm: colons and quotes in strings, integer-like keys, empty objects', async () => {
    const body =
      '{"model":"smart","logit_bias":{"50256":-100,"2":1},"metadata":{"2":{"a":1},"b":{"3":{}},"k:\\"x\\\\":"v:\\"","e":{}},' +
      '"messages":[{"role":"user","content":"a: \\"b\\": {c} [d] \\\\"}]}';
    const { status } = await post(body);
    expect(status).toBe(200);
    expect(openaiUp.requests).toHaveLength(1);
    expect(openaiUp.requests[0]?.json).toEqual({ ...(JSON.parse(body) as object), model: 'gpt-4o' });
  });
});
