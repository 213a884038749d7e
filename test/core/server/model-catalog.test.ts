import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import OpenAI from 'openai';
import { defineConfig, definePlugin, type ModelInfo, type RunningGateway } from 'switchyard';
import { ModelCatalog } from '../../../core/server/model-catalog.ts';
import anthropic from '../../../plugins/providers/anthropic/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';

/** A provider whose model list the test controls: a list, or an error. */
let answer: readonly ModelInfo[] | Error = [{ id: 'm1', ownedBy: 'flaky' }];
let listCalls = 0;
const flaky = definePlugin(() => ({
  name: 'provider-flaky',
  setup(api) {
    api.providers.register({
      id: 'flaky',
      operations: ['chat'],
      invoke: () => Promise.reject(new Error('not called')),
      listModels: async () => {
        listCalls += 1;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });
  },
}));

let upstream: MockServer;
let gw: RunningGateway;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }),
        anthropic({ apiKey: 'sk-ant-unused', baseURL: 'http://127.0.0.1:9' }),
        flaky(),
        modelRouting({}),
      ],
      models: [{ name: 'smart', deployments: [{ provider: 'openai', model: 'gpt-4o' }] }],
    }),
  );
});
afterAll(async () => {
  await gw.close(100);
  await upstream.close();
});

describe('provider model lists', () => {
  test('a failed fetch keeps the last good list and is retried after 10 s, 20 s…, not 5 minutes', async () => {
    let now = 1_000_000;
    const catalog = new ModelCatalog(gw.gateway, { now: () => now });
    const flakyIds = async (): Promise<string[]> => (await catalog.list()).map((m) => m.id).filter((id) => id.startsWith('flaky/'));

    answer = [{ id: 'm1', ownedBy: 'flaky' }];
    listCalls = 0;
    expect(await flakyIds()).toEqual(['flaky/m1']);
    expect(listCalls).toBe(1);

    now += 5 * 60_000 + 1; // due again: the fetch fails, the last good list stays
    answer = new Error('upstream down');
    expect(await flakyIds()).toEqual(['flaky/m1']);
    expect(listCalls).toBe(2);

    now += 9_000; // not yet due
    expect(await flakyIds()).toEqual(['flaky/m1']);
    expect(listCalls).toBe(2);

    now += 1_001; // 10 s after the failure: retried, fails again → next try 20 s later
    expect(await flakyIds()).toEqual(['flaky/m1']);
    expect(listCalls).toBe(3);
    now += 19_000;
    await flakyIds();
    expect(listCalls).toBe(3);

    now += 1_001; // retried and back: the new list replaces the old one
    answer = [{ id: 'm2', ownedBy: 'flaky' }];
    expect(await flakyIds()).toEqual(['flaky/m2']);
    expect(listCalls).toBe(4);
  });

  test('a provider whose first fetch fails appears as soon as a retry succeeds', async () => {
    let now = 2_000_000;
    const catalog = new ModelCatalog(gw.gateway, { now: () => now });
    answer = new Error('cold start');
    expect((await catalog.list()).some((m) => m.id.startsWith('flaky/'))).toBe(false);
    answer = [{ id: 'm3', ownedBy: 'flaky' }];
    now += 10_001;
    expect((await catalog.list()).map((m) => m.id)).toContain('flaky/m3');
  });

  test('concurrent listings share one fetch', async () => {
    const catalog = new ModelCatalog(gw.gateway, { now: () => 3_000_000 });
    answer = [{ id: 'm1', ownedBy: 'flaky' }];
    listCalls = 0;
    await Promise.all([catalog.list(), catalog.list(), catalog.list()]);
    expect(listCalls).toBe(1);
  });
});

describe('GET /v1/models/{id} answers for every name the router serves (openai SDK models.retrieve)', () => {
  const client = (): OpenAI => new OpenAI({ apiKey: 'unused', baseURL: `${gw.url}/v1`, maxRetries: 0 });

  test.each([
    ['smart', 'openai'], // a model group
    ['gpt-4o', 'openai'], // a bare name OpenAI's naming rule claims, not in any list
    ['claude-3-5-sonnet-20241022', 'anthropic'], // claimed by Anthropic, whose list is unreachable
    ['openai/gpt-4o-some-fine-tune', 'openai'], // provider/model
    ['anthropic/claude-opus-4-5-20251101', 'anthropic'],
  ])('%s', async (id, ownedBy) => {
    const model = await client().models.retrieve(id);
    expect(model).toMatchObject({ id, object: 'model', owned_by: ownedBy });
  });

  test('a name nothing would serve is still 404 model_not_found', async () => {
    await expect(client().models.retrieve('no-such-model')).rejects.toMatchObject({ status: 404 });
    await expect(client().models.retrieve('nobody/model')).rejects.toMatchObject({ status: 404 });
  });

  test('chat with a retrievable bare name works', async () => {
    const done = await client().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(done.choices[0]?.message.content).toBe('echo: hi');
  });
});
