import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import anthropic from '../../../plugins/providers/anthropic/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { mockAnthropicKey, startMockAnthropic } from '../../helpers/mock-upstream/anthropic.ts';
import { defaultMockModels, mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';

// Issue #11.2: a model name that routes (`gpt-…`, `claude-…`, `provider/…`) but holds a character
// Node refuses in a header value was copied into `x-switchyard-model`: writeHead threw, the error
// path threw again, and the unhandled rejection ended the process. Each name below is answered
// with an envelope (or a 200 whose headers are made safe) and the gateway serves the next request.

const megabyte = `gpt-${'m'.repeat(1024 * 1024)}`;
const openaiNames = ['gpt-4o\u0000', 'gpt-4o\r\nx-injected: 1', 'gpt-4o\n', 'gpt-\u0001x', 'gpt-\u007f', 'gpt-✓', 'gpt-😀', 'openai/gpt-4o\r\n', 'openai/\u2028', megabyte];
const anthropicNames = ['claude-3\u0000', 'claude-\r\n', 'claude-ü✓', 'anthropic/claude\u0007'];
const refused = new Set(['gpt-4o\n', 'gpt-\u007f', 'gpt-😀', 'openai/\u2028', 'claude-\r\n', 'anthropic/claude\u0007']);

let openaiUp: MockServer;
let anthropicUp: MockServer;
let gw: RunningGateway;

beforeAll(async () => {
  // The upstreams know most names (so the gateway answers 200 with them in its headers) and refuse
  // the others (404, a translated error whose answer carries the same headers).
  const known = (names: string[]) => names.filter((n) => !refused.has(n)).map((n) => n.replace(/^[a-z]+\//, ''));
  openaiUp = await startMockOpenAI({ models: [...defaultMockModels, ...known(openaiNames)] });
  anthropicUp = await startMockAnthropic({ models: ['claude-3-5-sonnet-20241022', ...known(anthropicNames)] });
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: mockOpenAIKey, baseURL: `${openaiUp.url}/v1` }),
        anthropic({ apiKey: mockAnthropicKey, baseURL: anthropicUp.url }),
        modelRouting({}),
      ],
    }),
  );
});
afterAll(async () => {
  await gw.close(100);
  await openaiUp.close();
  await anthropicUp.close();
});

const printable = /^[\t\x20-\x7e]*$/;

async function call(model: string, stream: boolean): Promise<{ status: number; model: string | null; text: string }> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: res.status, model: res.headers.get('x-switchyard-model'), text: await res.text() };
}

async function stillServes(): Promise<void> {
  const next = await call('gpt-4o', false);
  expect(next.status).toBe(200);
  expect(next.model).toBe('gpt-4o');
}

describe('model names that do not fit in a header', () => {
  for (const stream of [false, true]) {
    for (const name of [...openaiNames, ...anthropicNames]) {
      const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 12)}… (${name.length} chars)` : name);
      test(`${shown}, ${stream ? 'stream' : 'non-stream'}: an answer with safe headers, then the next request`, async () => {
        const { status, model, text } = await call(name, stream);
        if (status === 200) {
          expect(model).toMatch(printable);
          expect((model ?? '').length).toBeLessThan(400);
          if (stream) expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
          else expect(JSON.parse(text)).toHaveProperty('choices');
        } else {
          const body = JSON.parse(text) as { error: { message: string; type: string; code: string | null } };
          expect(body.error).toEqual(expect.objectContaining({ message: expect.any(String), type: expect.any(String) }));
          if (model !== null) expect(model).toMatch(printable);
          // The client's name is echoed cut, never whole.
          expect(text.length).toBeLessThan(8 * 1024);
        }
        await stillServes();
      });
    }
  }

  test('the names the upstreams know were answered 200, with the model header percent-encoded', async () => {
    const { status, model } = await call('gpt-✓', false);
    expect(status).toBe(200);
    expect(model).toBe('gpt-%E2%9C%93');
    const crlf = await call('gpt-4o\r\nx-injected: 1', false);
    expect(crlf.status).toBe(200);
    expect(crlf.model).toBe('gpt-4o%0D%0Ax-injected: 1');
    const big = await call(megabyte, true);
    expect(big.status).toBe(200);
    expect(big.model).toBe(`${megabyte.slice(0, 256)}...(cut, ${megabyte.length} chars)`);
  });
});
