import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import resilient from '../../../../plugins/fallback/resilient/index.ts';
import openai from '../../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../../plugins/routing/models/index.ts';
import redisState from '../../../../plugins/state/redis/index.ts';
import { startTestGateway } from '../../../helpers/gateway.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../../helpers/mock-upstream/openai.ts';
import { faults, type MockServer } from '../../../helpers/mock-upstream/server.ts';

const url = process.env.REDIS_URL;
if (!url) console.warn('REDIS_URL is not set: skipping the two-instance cooldown test');

describe.skipIf(!url)('two gateway instances sharing Redis', () => {
  const prefix = `sy-test-${randomUUID()}:`;
  let a: MockServer;
  let b: MockServer;
  let one: RunningGateway;
  let two: RunningGateway;

  const config = () =>
    defineConfig({
      plugins: [
        openai({ apiKey: mockOpenAIKey }),
        redisState({ url: url as string, prefix }),
        modelRouting({}),
        resilient({}),
      ],
      models: [
        {
          name: 'shared',
          deployments: [
            { provider: 'openai', model: 'gpt-4o', baseURL: `${a.url}/v1` },
            { provider: 'openai', model: 'gpt-4o-mini', baseURL: `${b.url}/v1` },
          ],
        },
      ],
    });

  beforeAll(async () => {
    [a, b] = await Promise.all([startMockOpenAI(), startMockOpenAI()]);
    one = await startTestGateway(config());
    two = await startTestGateway(config());
  });

  afterAll(async () => {
    await Promise.all([one?.close(500), two?.close(500)]);
    await Promise.all([a?.close(), b?.close()]);
    const r = new Redis(url as string);
    const keys = await r.keys(`${prefix}*`);
    if (keys.length > 0) await r.del(...keys);
    await r.quit();
  });

  const ask = (gw: RunningGateway) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'shared', messages: [{ role: 'user', content: 'hi' }] }),
    });

  test('a cooldown set by one instance is honoured and listed by the other', async () => {
    a.override(faults.status(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
    const first = await ask(one);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-switchyard-attempts')).toBe('2');

    const ready = (await (await fetch(`${two.url}/health/readiness`)).json()) as {
      status: string;
      checks: { cooldowns: { detail: { state: string; cooling: { deployment: string }[] } }; 'shared-state': { status: string } };
    };
    expect(ready.checks['shared-state'].status).toBe('ok');
    expect(ready.checks.cooldowns.detail.state).toBe('redis');
    expect(ready.checks.cooldowns.detail.cooling.map((c) => c.deployment)).toEqual(['shared#0']);

    a.reset();
    const second = await ask(two);
    expect(second.status).toBe(200);
    expect(second.headers.get('x-switchyard-attempts')).toBe('1');
    expect(second.headers.get('x-switchyard-model')).toBe('gpt-4o-mini');
    expect(a.requests).toHaveLength(0);
  });
});
