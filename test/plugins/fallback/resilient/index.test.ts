import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import resilient from '../../../../plugins/fallback/resilient/index.ts';
import openai from '../../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../../plugins/routing/models/index.ts';
import { fakeClock } from '../../../helpers/clock.ts';
import { startTestGateway } from '../../../helpers/gateway.ts';
import { defaultMockModels, mockOpenAIKey, startMockOpenAI } from '../../../helpers/mock-upstream/openai.ts';
import { chunkOf, faults, streamFaults, type MockServer } from '../../../helpers/mock-upstream/server.ts';
import { trailRecorder, type Trail } from '../../../helpers/trail.ts';

/*
 * Every fault, on a gateway with fallback-resilient and a fake clock: the exact attempt trail
 * (`deployment:status`), the backoff waits, and what the client got. Deployments:
 *   main#0 → upstream a (gpt-4o)   main#1 → upstream b (gpt-4o-mini)   backup#0, long#0, lenient#0 → upstream c
 * The random source is fixed at 0.5, so full-jitter waits are exactly half their ceiling.
 */
const clock = fakeClock();
const { plugin: recorder, trails } = trailRecorder();
let a: MockServer;
let b: MockServer;
let c: MockServer;
let gw: RunningGateway;

const dep = (server: () => MockServer, model: string, extra: Record<string, unknown> = {}) => ({
  provider: 'openai',
  model,
  get baseURL() {
    return `${server().url}/v1`;
  },
  ...extra,
});

beforeAll(async () => {
  const models = [...defaultMockModels, 'gpt-4.1'];
  [a, b, c] = await Promise.all([startMockOpenAI({ models }), startMockOpenAI({ models }), startMockOpenAI({ models })]);
  const main = { retries: 2, baseDelayMs: 100, maxDelayMs: 1000 };
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: mockOpenAIKey, baseURL: `${a.url}/v1` }),
        modelRouting({ clock }),
        resilient({ clock, random: () => 0.5, cooldown: { failures: 3, seconds: 30 }, maxRequestTimeoutMs: 5_000 }),
        recorder,
      ],
      models: [
        {
          name: 'main',
          deployments: [{ ...dep(() => a, 'gpt-4o') }, { ...dep(() => b, 'gpt-4o-mini') }],
          fallbacks: ['backup'],
          contextWindowFallbacks: ['long'],
          contentPolicyFallbacks: ['lenient'],
          retry: main,
          maxAttempts: 10,
        },
        { name: 'backup', deployments: [{ ...dep(() => c, 'gpt-4o-mini') }] },
        { name: 'long', deployments: [{ ...dep(() => c, 'gpt-4.1') }] },
        { name: 'lenient', deployments: [{ ...dep(() => c, 'gpt-4o-mini') }] },
        { name: 'tiny', deployments: [{ ...dep(() => a, 'gpt-4o', { contextWindow: 50 }) }], contextWindowFallbacks: ['long'] },
        { name: 'single', deployments: [{ ...dep(() => a, 'gpt-4o', { timeouts: { firstByte: 200, idle: 200 } }) }], retry: { retries: 0 }, maxAttempts: 1 },
        { name: 'stingy', deployments: [{ ...dep(() => a, 'gpt-4o') }, { ...dep(() => b, 'gpt-4o-mini') }], retry: { retries: 2, budgetRatio: 0, minRetries: 0 } },
      ],
    }),
  );
});

afterAll(async () => {
  await gw.close(500);
  await Promise.all([a.close(), b.close(), c.close()]);
});

beforeEach(() => {
  // An hour later: every cooldown, failure window and half-open record of earlier tests is gone.
  clock.advance(3_600_000);
  clock.sleeps.length = 0;
  for (const s of [a, b, c]) s.reset();
});

const content = 'hello';
async function chat(model: string, options: { stream?: boolean; text?: string; headers?: Record<string, string> } = {}) {
  const before = trails.length;
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({ model, stream: options.stream ?? false, messages: [{ role: 'user', content: options.text ?? content }] }),
  });
  const body = await res.text();
  await expect.poll(() => trails.length).toBeGreaterThan(before);
  return { status: res.status, headers: res.headers, body, trail: trails[trails.length - 1] as Trail };
}

const err500 = faults.status(500, { error: { message: 'boom', type: 'server_error', param: null, code: null } });
const err503 = faults.status(503, { error: { message: 'overloaded', type: 'server_error', param: null, code: null } });
const limited = (headers: Record<string, string>) =>
  faults.status(429, { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, headers);

describe('retries on the same deployment', () => {
  test('500 once: backoff with full jitter, same deployment answers', async () => {
    a.override(err500);
    const r = await chat('main');
    expect(r.status).toBe(200);
    expect(r.trail.attempts).toEqual(['main#0:502', 'main#0:200']);
    expect(clock.sleeps).toEqual([50]); // 0.5 × min(1000, 100·2^0)
    expect(r.headers.get('x-switchyard-attempts')).toBe('2');
  });

  test('503 twice: waits grow exponentially (50, 100)', async () => {
    a.override(err503, 2);
    const r = await chat('main');
    expect(r.trail.attempts).toEqual(['main#0:503', 'main#0:503', 'main#0:200']);
    expect(clock.sleeps).toEqual([50, 100]);
  });

  test('429 with Retry-After: 1 waits exactly 1000 ms', async () => {
    a.override(limited({ 'retry-after': '1' }));
    const r = await chat('main');
    expect(r.trail.attempts).toEqual(['main#0:429', 'main#0:200']);
    expect(clock.sleeps).toEqual([1000]);
  });

  test('429 with only x-ratelimit-reset-requests: 250ms waits 250 ms', async () => {
    a.override(limited({ 'x-ratelimit-reset-requests': '250ms', 'x-ratelimit-reset-tokens': '90ms' }));
    const r = await chat('main');
    expect(r.trail.attempts).toEqual(['main#0:429', 'main#0:200']);
    expect(clock.sleeps).toEqual([250]);
  });

  test('429 with anthropic-ratelimit-requests-reset honours the reset time', async () => {
    const reset = new Date(Date.now() + 600).toISOString();
    a.override(limited({ 'anthropic-ratelimit-requests-reset': reset }));
    const r = await chat('main');
    expect(r.trail.attempts).toEqual(['main#0:429', 'main#0:200']);
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThan(300);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(600);
  });

  test('connection reset, then garbage body: retried on the same deployment', async () => {
    a.override(faults.reset());
    a.override(faults.garbage());
    const r = await chat('main');
    expect(r.trail.attempts).toEqual(['main#0:502', 'main#0:502', 'main#0:200']);
  });

  test('400 is never retried nor sent elsewhere', async () => {
    a.override(faults.status(400, { error: { message: 'bad thing', type: 'invalid_request_error', param: null, code: null } }));
    const r = await chat('main');
    expect(r.status).toBe(400);
    expect(r.trail.attempts).toEqual(['main#0:400']);
    expect(b.requests).toHaveLength(0);
  });
});

describe('fallbacks and cooldowns', () => {
  test('429 asking for longer than the cap: no wait, cooled for that long, next deployment answers', async () => {
    a.override(limited({ 'retry-after': '60' }));
    const r = await chat('main');
    expect(r.trail.attempts).toEqual(['main#0:429', 'main#1:200']);
    expect(clock.sleeps).toEqual([]);
    expect(r.headers.get('x-switchyard-model')).toBe('gpt-4o-mini');
    // The next request skips the cooling deployment altogether.
    const next = await chat('main');
    expect(next.trail.attempts).toEqual(['main#1:200']);
    clock.advance(61_000);
    const later = await chat('main');
    expect(later.trail.attempts).toEqual(['main#0:200']);
  });

  test('3 failures cool a deployment: retried twice, then the next one; readiness lists it', async () => {
    a.override(err500, 3);
    const r = await chat('main');
    expect(r.trail.attempts).toEqual(['main#0:502', 'main#0:502', 'main#0:502', 'main#1:200']);
    expect(clock.sleeps).toEqual([50, 100]);
    const ready = (await (await fetch(`${gw.url}/health/readiness`)).json()) as { checks: { cooldowns: { detail: { cooling: { deployment: string; state: string }[] } } } };
    expect(ready.checks.cooldowns.detail.cooling).toEqual([expect.objectContaining({ deployment: 'main#0', state: 'open' })]);
    expect((await chat('main')).trail.attempts).toEqual(['main#1:200']);
  });

  test('401 from the provider cools at once and falls back without retrying', async () => {
    a.override(faults.status(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
    const r = await chat('main');
    expect(r.trail.attempts).toEqual(['main#0:502', 'main#1:200']);
    expect(clock.sleeps).toEqual([]);
    expect((await chat('main')).trail.attempts).toEqual(['main#1:200']);
  });

  test('404 from the provider cools at once too', async () => {
    a.override(faults.status(404, { error: { message: 'The model does not exist', type: 'invalid_request_error', param: null, code: 'model_not_found' } }));
    const r = await chat('main');
    expect(r.trail.attempts).toEqual(['main#0:404', 'main#1:200']);
  });

  test('the whole group failing falls back to the next model group', async () => {
    a.override(err500, 3);
    b.override(err500, 3);
    const r = await chat('main');
    expect(r.trail.attempts).toEqual(['main#0:502', 'main#0:502', 'main#0:502', 'main#1:502', 'main#1:502', 'main#1:502', 'backup#0:200']);
    expect(r.status).toBe(200);
    // Both cooling: the plan starts at the fallback group.
    expect((await chat('main')).trail.attempts).toEqual(['backup#0:200']);
  });

  test('half-open: after the cooldown one probe goes first, and its success closes the circuit', async () => {
    a.override(faults.status(401, { error: { message: 'bad key', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
    await chat('main');
    clock.advance(30_000);
    const probe = await chat('main');
    expect(probe.trail.attempts).toEqual(['main#0:200']);
    const ready = (await (await fetch(`${gw.url}/health/readiness`)).json()) as { checks: { cooldowns: { detail: { cooling: unknown[] } } } };
    expect(ready.checks.cooldowns.detail.cooling).toEqual([]);
  });

  test('half-open: a failed probe cools the deployment again at once', async () => {
    a.override(faults.status(401, { error: { message: 'bad key', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }), 2);
    await chat('main');
    clock.advance(30_000);
    const probe = await chat('main');
    expect(probe.trail.attempts).toEqual(['main#0:502', 'main#1:200']);
    expect((await chat('main')).trail.attempts).toEqual(['main#1:200']);
  });

  test('retry budget spent: no retry, straight to the next deployment', async () => {
    a.override(err500);
    const r = await chat('stingy');
    expect(r.trail.attempts).toEqual(['stingy#0:502', 'stingy#1:200']);
    expect(clock.sleeps).toEqual([]);
  });
});

describe('context-window and content-policy fallbacks', () => {
  test('context_length_exceeded goes to contextWindowFallbacks', async () => {
    a.override(faults.status(400, { error: { message: "This model's maximum context length is 128000 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } }));
    const r = await chat('main');
    expect(r.trail.attempts).toEqual(['main#0:400', 'long#0:200']);
    expect((c.requests[0]?.json as { model: string }).model).toBe('gpt-4.1');
  });

  test('a prompt estimated over the window goes to contextWindowFallbacks up front', async () => {
    const r = await chat('tiny', { text: 'x'.repeat(400) });
    expect(r.trail.attempts).toEqual(['long#0:200']);
    expect(a.requests).toHaveLength(0);
    // A short prompt fits and stays.
    expect((await chat('tiny', { text: 'hi' })).trail.attempts).toEqual(['tiny#0:200']);
  });

  test('content_policy_violation goes to contentPolicyFallbacks', async () => {
    a.override(faults.status(400, { error: { message: 'Your request was rejected by the safety system.', type: 'invalid_request_error', param: null, code: 'content_policy_violation' } }));
    const r = await chat('main');
    expect(r.trail.attempts).toEqual(['main#0:400', 'lenient#0:200']);
  });
});

describe('streams', () => {
  test('a failure before the first byte is retried; the client sees one clean stream', async () => {
    a.override(err500);
    a.override(streamFaults.errorFirst('overloaded'));
    const r = await chat('main', { stream: true });
    expect(r.trail.attempts).toEqual(['main#0:502', 'main#0:502', 'main#0:200']);
    expect(r.body).toContain('echo: hello'.slice(0, 4));
    expect(r.body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(r.body).not.toContain('"error"');
  });

  test('a stream cut mid-way is not retried: the client gets the chunks, then an error event', async () => {
    a.override(streamFaults.cut([chunkOf('par'), chunkOf('tial')]));
    const r = await chat('main', { stream: true });
    expect(r.trail.attempts).toEqual(['main#0:200']);
    expect(r.trail.error).toBe('upstream_unreachable');
    expect(r.body).toContain('"content":"par"');
    expect(r.body.trim().split('\n\n').at(-1)).toMatch(/^data: \{"error":/);
    expect(b.requests).toHaveLength(0);
  });

  test('an idle gap over the limit ends the stream with a timeout error event', async () => {
    a.override(streamFaults.stall([chunkOf('first')]));
    const r = await chat('single', { stream: true });
    expect(r.trail.attempts).toEqual(['single#0:200']);
    expect(r.trail.error).toBe('upstream_timeout');
    expect(r.body).toContain('"content":"first"');
  });
});

describe('timeouts', () => {
  test('no headers within firstByte: 504 after one attempt', async () => {
    a.override(faults.hang());
    const started = performance.now();
    const r = await chat('single');
    expect(r.status).toBe(504);
    expect(r.trail.attempts).toEqual(['single#0:504']);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  test('x-switchyard-timeout bounds the whole call', async () => {
    a.override(faults.delay(1_000, err500));
    const started = performance.now();
    const r = await chat('single', { headers: { 'x-switchyard-timeout': '300' } });
    expect(r.status).toBe(504);
    expect(performance.now() - started).toBeLessThan(900);
  });

  test('x-switchyard-timeout over the configured bound is refused, naming the header', async () => {
    const r = await chat('main', { headers: { 'x-switchyard-timeout': '10s' } });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ error: { param: 'x-switchyard-timeout' } });
  });
});
