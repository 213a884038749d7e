import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type Plugin, type RunningGateway } from 'switchyard';
import orderedFallback from '../../../plugins/fallback/ordered/index.ts';
import resilient from '../../../plugins/fallback/resilient/index.ts';
import azure from '../../../plugins/providers/azure/index.ts';
import bedrock from '../../../plugins/providers/bedrock/index.ts';
import cohere from '../../../plugins/providers/cohere/index.ts';
import gemini from '../../../plugins/providers/gemini/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { startMockAzure } from '../../helpers/mock-upstream/azure.ts';
import { mockAwsCredentials, startMockBedrock } from '../../helpers/mock-upstream/bedrock.ts';
import { startMockCohere } from '../../helpers/mock-upstream/cohere.ts';
import { startMockGemini } from '../../helpers/mock-upstream/gemini.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import { faults, type MockServer } from '../../helpers/mock-upstream/server.ts';

/*
 * A provider refusing the gateway's own credentials (401/403, or Gemini's 400 API_KEY_INVALID):
 * the client's request was fine, so the answer is 502 `upstream_auth_failed`, but calling the
 * same deployment again cannot help. Each call strategy moves to the next deployment at once
 * and never calls the refusing one twice. Every provider below is configured with a wrong key.
 */
interface Case {
  readonly provider: string;
  readonly model: string;
  readonly upstream: () => MockServer;
}

let good: MockServer;
let mocks: Record<'openai' | 'azure' | 'bedrock' | 'cohere' | 'gemini', MockServer>;

const cases: readonly Case[] = [
  { provider: 'openai', model: 'gpt-4o', upstream: () => mocks.openai },
  { provider: 'mistral', model: 'mistral-large-latest', upstream: () => mocks.openai },
  { provider: 'azure', model: 'prod-gpt4o', upstream: () => mocks.azure },
  { provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20240620-v1:0', upstream: () => mocks.bedrock },
  { provider: 'cohere', model: 'command-r-plus-08-2024', upstream: () => mocks.cohere },
  { provider: 'gemini', model: 'gemini-2.0-flash', upstream: () => mocks.gemini },
];

/** Providers with wrong credentials, and `good`: the OpenAI deployment every group falls back to. */
function plugins(): Plugin[] {
  return [
    openai({ apiKey: 'sk-wrong-key-000000', baseURL: `${mocks.openai.url}/v1` }),
    openai({ id: 'good', apiKey: mockOpenAIKey, baseURL: `${good.url}/v1` }),
    openai({ preset: 'mistral', apiKey: 'wrong-mistral-key', baseURL: `${mocks.openai.url}/v1` }),
    azure({ endpoint: mocks.azure.url, apiKey: 'wrong-azure-key-0000000' }),
    bedrock({ ...mockAwsCredentials, secretAccessKey: 'not-the-secret', region: 'us-east-1', baseURL: mocks.bedrock.url }),
    cohere({ apiKey: 'wrong-cohere-key', baseURL: mocks.cohere.url }),
    gemini({ apiKey: 'AIzaWrongGeminiKey-000000000000', baseURL: mocks.gemini.url }),
    modelRouting({}),
  ];
}

const groups = cases.flatMap((c) => [
  { name: `${c.provider}-then-good`, maxAttempts: 3, deployments: [{ provider: c.provider, model: c.model }, { provider: 'good', model: 'gpt-4o' }] },
  { name: `${c.provider}-alone`, maxAttempts: 3, deployments: [{ provider: c.provider, model: c.model }] },
]);

const strategies: readonly [string, () => Plugin][] = [
  ['fallback-ordered', () => orderedFallback({ retryDelayMs: 1 })],
  ['fallback-resilient', () => resilient({ baseDelayMs: 1, maxDelayMs: 2 })],
];

beforeAll(async () => {
  const [o, g, az, b, co, ge] = await Promise.all([startMockOpenAI(), startMockOpenAI(), startMockAzure(), startMockBedrock(), startMockCohere(), startMockGemini()]);
  mocks = { openai: o, azure: az, bedrock: b, cohere: co, gemini: ge };
  good = g;
});
afterAll(async () => {
  await Promise.all([good.close(), ...Object.values(mocks).map((m) => m.close())]);
});

describe('fallback-resilient: a refused credential cools the deployment', () => {
  test('the next request skips it without calling it', async () => {
    const gw = await startTestGateway(defineConfig({ plugins: [...plugins(), resilient({ baseDelayMs: 1 })], models: groups }));
    try {
      const ask = () =>
        fetch(`${gw.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'cohere-then-good', messages: [{ role: 'user', content: 'hi' }] }),
        });
      mocks.cohere.reset();
      expect((await ask()).status).toBe(200);
      const second = await ask();
      expect(second.status).toBe(200);
      expect(second.headers.get('x-switchyard-attempts')).toBe('1');
      expect(mocks.cohere.requests).toHaveLength(1);
    } finally {
      await gw.close(100);
    }
  });
});

describe.each(strategies)('%s: a provider refusing our credentials', (_name, strategy) => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startTestGateway(defineConfig({ plugins: [...plugins(), strategy()], models: groups }));
  });
  afterAll(() => gw.close(100));
  beforeEach(() => {
    good.reset();
    for (const m of Object.values(mocks)) m.reset();
  });

  const ask = (model: string) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });

  test.each(cases)('$provider: moves to the next deployment after one call, never repeats it', async (c) => {
    const res = await ask(`${c.provider}-then-good`);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('x-switchyard-attempts')).toBe('2');
    expect(res.headers.get('x-switchyard-provider')).toBe('good');
    expect(c.upstream().requests).toHaveLength(1);
    expect(good.requests).toHaveLength(1);
  });

  test.each(cases)('$provider alone: one call, answered 502 upstream_auth_failed', async (c) => {
    const res = await ask(`${c.provider}-alone`);
    expect(res.status).toBe(502);
    expect(res.headers.get('x-switchyard-attempts')).toBe('1');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream_auth_failed');
    expect(c.upstream().requests).toHaveLength(1);
  });

  test('wrapping round to retry a failing deployment skips the one that refused our credentials', async () => {
    good.override(faults.status(503, { error: { message: 'busy' } }), 1);
    const res = await ask('openai-then-good');
    expect(res.status).toBe(200);
    // fallback-resilient cooled the refusing deployment in an earlier test: not called at all.
    const refused = mocks.openai.requests.length;
    expect(refused).toBeLessThanOrEqual(1);
    expect(res.headers.get('x-switchyard-attempts')).toBe(String(2 + refused));
    expect(good.requests).toHaveLength(2);
  });
});
