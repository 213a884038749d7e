import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import orderedFallback from '../../../../plugins/fallback/ordered/index.ts';
import openai from '../../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../../helpers/gateway.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../../helpers/mock-upstream/openai.ts';
import { faults, type MockServer } from '../../../helpers/mock-upstream/server.ts';

let a: MockServer;
let b: MockServer;
let gw: RunningGateway;

beforeAll(async () => {
  a = await startMockOpenAI();
  b = await startMockOpenAI();
  gw = await startTestGateway(
    defineConfig({
      plugins: [openai({ apiKey: mockOpenAIKey }), modelRouting({}), orderedFallback({ retryDelayMs: 10, maxRetryDelayMs: 1500 })],
      models: [
        {
          name: 'pair',
          maxAttempts: 4,
          deployments: [
            { provider: 'openai', model: 'gpt-4o', baseURL: `${a.url}/v1` },
            { provider: 'openai', model: 'gpt-4o', baseURL: `${b.url}/v1` },
          ],
        },
        { name: 'single', maxAttempts: 3, deployments: [{ provider: 'openai', model: 'gpt-4o', baseURL: `${a.url}/v1` }] },
      ],
    }),
  );
});
afterAll(async () => {
  await gw.close(100);
  await a.close();
  await b.close();
});
beforeEach(() => {
  a.reset();
  b.reset();
});

const ask = (model: string) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'x' }] }),
  });

const boom = faults.status(503, { error: { message: 'down' } });

describe('fallback-ordered', () => {
  test('in order, wrapping round to retry, at most maxAttempts calls', async () => {
    a.override(boom, 2);
    b.override(boom, 1);
    const res = await ask('pair');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-attempts')).toBe('4');
    expect([a.requests.length, b.requests.length]).toEqual([2, 2]);
  });

  test('gives up after maxAttempts with the last error', async () => {
    a.override(boom, 10);
    const res = await ask('single');
    expect(res.status).toBe(503);
    expect(a.requests).toHaveLength(3);
  });

  test('honours Retry-After within the cap, and stops when it asks for longer', async () => {
    a.override(faults.status(429, { error: { message: 'slow down' } }, { 'retry-after': '1' }), 1);
    const started = Date.now();
    const ok = await ask('single');
    expect(ok.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    a.reset();
    a.override(faults.status(429, { error: { message: 'slow down' } }, { 'retry-after': '30' }), 1);
    const limited = await ask('single');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(a.requests).toHaveLength(1);
  });

  test('a 4xx other than 429 is returned at once', async () => {
    a.override(faults.status(422, { error: { message: 'bad' } }), 1);
    const res = await ask('pair');
    expect(res.status).toBe(400);
    expect(b.requests).toHaveLength(0);
  });
});
