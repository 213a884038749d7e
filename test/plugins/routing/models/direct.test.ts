import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, definePlugin, type RunningGateway, type SharedState } from 'switchyard';
import resilient from '../../../../plugins/fallback/resilient/index.ts';
import openai from '../../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../../plugins/routing/models/index.ts';
import { fakeClock } from '../../../helpers/clock.ts';
import { startTestGateway } from '../../../helpers/gateway.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../../helpers/mock-upstream/openai.ts';
import { faults, type MockServer } from '../../../helpers/mock-upstream/server.ts';

/*
 * `provider/model` names (and bare names a provider claims) have no group, but their deployment
 * (`openai/gpt-4o`) is cooled like any other. The route stage must then treat it like a group's:
 * open → 503 `no_healthy_deployment` with Retry-After and no upstream call; half-open → the one
 * request that wins the probe goes through, the others get 503. Clock injected, so exact.
 */
const clock = fakeClock();
let state: SharedState | undefined;
const stateProbe = definePlugin(() => ({
  name: 'test-state-probe',
  setup(gateway) {
    state = gateway.state;
  },
}))();

let upstream: MockServer;
let gw: RunningGateway;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }),
        modelRouting({ clock }),
        resilient({ clock, random: () => 0.5, cooldown: { failures: 3, seconds: 30 } }),
        stateProbe,
      ],
    }),
  );
});

afterAll(async () => {
  await gw.close(500);
  await upstream.close();
});

beforeEach(() => {
  clock.advance(3_600_000); // every earlier cooldown and probe has expired
  upstream.reset();
});

async function chat(model: string) {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: { code?: string } } };
}

const badKey = faults.status(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });

describe('provider/model names honour cooldowns', () => {
  test('a 401 cools openai/gpt-4o; the next request gets 503 with Retry-After and never reaches the provider', async () => {
    upstream.override(badKey);
    expect((await chat('openai/gpt-4o')).status).toBe(502);
    expect(upstream.requests.length).toBe(1);

    clock.advance(10_000);
    const r = await chat('openai/gpt-4o');
    expect(r.status).toBe(503);
    expect(r.body.error?.code).toBe('no_healthy_deployment');
    expect(r.retryAfter).toBe('20');
    expect(upstream.requests.length).toBe(1);
    // The bare name resolves to the same deployment id, so it is cooling too.
    expect((await chat('gpt-4o')).status).toBe(503);
    // Another model of the same provider is a different deployment and still answers.
    expect((await chat('openai/gpt-4o-mini')).status).toBe(200);
  });

  test('half-open: the one request that wins the probe is routed, and its success closes the circuit', async () => {
    upstream.override(badKey);
    await chat('openai/gpt-4o');
    clock.advance(30_000);
    expect((await state!.circuits(['openai/gpt-4o'], clock.now()))[0]?.state).toBe('half-open');
    const probe = await chat('openai/gpt-4o');
    expect(probe.status).toBe(200);
    expect(upstream.requests.length).toBe(2);
    expect((await state!.circuits(['openai/gpt-4o'], clock.now()))[0]?.state).toBe('closed');
    expect((await chat('openai/gpt-4o')).status).toBe(200);
  });

  test('half-open with the probe already held elsewhere: 503, Retry-After 1, no upstream call', async () => {
    upstream.override(badKey);
    await chat('openai/gpt-4o');
    clock.advance(30_000);
    expect(await state!.claimProbe('openai/gpt-4o', clock.now(), 60_000)).toBe(true); // another instance's request
    const r = await chat('openai/gpt-4o');
    expect(r.status).toBe(503);
    expect(r.retryAfter).toBe('1');
    expect(upstream.requests.length).toBe(1);
  });

  test('a failed probe cools it again at once', async () => {
    upstream.override(badKey, 2);
    await chat('openai/gpt-4o');
    clock.advance(30_000);
    expect((await chat('openai/gpt-4o')).status).toBe(502);
    const r = await chat('openai/gpt-4o');
    expect(r.status).toBe(503);
    expect(r.retryAfter).toBe('30');
    expect(upstream.requests.length).toBe(2);
  });
});
