import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { root, startGatewayProcess, type ServingGateway } from '../helpers/cli.ts';
import { defaultMockModels, mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../helpers/mock-upstream/server.ts';

// Issue #11.2 on the real CLI process: a model name unsafe in a header used to end the process
// (ERR_INVALID_CHAR, thrown again on the error path, an unhandled rejection). Then the process
// guard: what escapes a request's handling (a plugin's stray rejection or throwing timer) is
// logged and the gateway keeps serving.
const bin = join(root, 'bin', 'switchyard.js');
const key = 'sy-survive-master-key';
const badNames = ['gpt-4o\r\nx-injected: 1', 'gpt-✓', 'gpt-4o\u0000', `gpt-${'m'.repeat(1024 * 1024)}`];

let upstream: MockServer;
let gateway: ServingGateway;

beforeAll(async () => {
  upstream = await startMockOpenAI({ models: [...defaultMockModels, ...badNames] });
  gateway = await startGatewayProcess(bin, ['--config', 'test/fixtures/stray-failures.config.ts'], {
    OPENAI_API_KEY: mockOpenAIKey,
    OPENAI_BASE_URL: `${upstream.url}/v1`,
    SWITCHYARD_MASTER_KEY: key,
  });
}, 25_000);
afterAll(async () => {
  gateway?.kill();
  await upstream?.close();
});

function chat(model: string, extra: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${gateway.port}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra }),
  });
}

async function expectAlive(): Promise<void> {
  expect(gateway.child.exitCode, gateway.output()).toBeNull();
  const res = await chat('gpt-4o');
  expect(res.status).toBe(200);
  expect(res.headers.get('x-switchyard-model')).toBe('gpt-4o');
}

describe('the gateway process survives', () => {
  for (const stream of [false, true]) {
    test(`model names unsafe in a header, ${stream ? 'stream' : 'non-stream'}`, async () => {
      for (const name of badNames) {
        const res = await chat(name, { stream });
        expect(res.status).toBe(200);
        expect(res.headers.get('x-switchyard-model')).toMatch(/^[\x20-\x7e]+$/);
        const text = await res.text();
        if (stream) expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
        await expectAlive();
      }
    });
  }

  test("a plugin's stray rejection and throwing timer are logged, and the gateway keeps serving", async () => {
    const res = await chat('gpt-4o', { user: 'stray' });
    expect(res.status).toBe(200);
    await res.text();
    // The log tap runs after the answer: wait for both failures to be logged.
    for (let i = 0; i < 100 && !/stray exception from a plugin timer/.test(gateway.output()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(gateway.output()).toContain('unhandled promise rejection; still serving');
    expect(gateway.output()).toContain('uncaught exception; still serving');
    expect(gateway.output()).toContain('stray rejection from a plugin');
    await expectAlive();
  });
});
