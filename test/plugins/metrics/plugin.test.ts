import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import memoryCache from '../../../plugins/cache/memory/index.ts';
import orderedFallback from '../../../plugins/fallback/ordered/index.ts';
import keys from '../../../plugins/keys/index.ts';
import metrics, { durationBuckets, overheadBuckets, tokenBuckets, ttftBuckets } from '../../../plugins/metrics/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { startFixedUsageUpstream } from '../../helpers/mock-upstream/fixed-usage.ts';
import { faults, type MockServer } from '../../helpers/mock-upstream/server.ts';
import { histogramOf, parsePromText, samplesOf, scrapeSettled, seriesKeys, valueOf, type PromSample } from '../../helpers/prom-text.ts';

const master = 'sk-master-metrics-0123456789';
const secretUser = 'user-alice-private-42';
/** $1/M input (cache reads too), $2/M output (reasoning too): fixedUsage's 6+4 input, 3+2 output → 20 000 nano-USD a call. */
const price = { input: 1, output: 2 };
const usdPerCall = 20_000 / 1e9;
const route = '/v1/chat/completions';

let upstream: MockServer;
let gw: RunningGateway;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sy-metrics-'));
  upstream = await startFixedUsageUpstream();
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: 'sk-upstream-0000', baseURL: `${upstream.url}/v1` }),
        keys({ masterKey: master, dataDir }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 0 }),
        memoryCache({ models: ['cached'] }),
        metrics({}),
      ],
      models: [
        { name: 'fast', deployments: [{ provider: 'openai', model: 'mock-fast', price }] },
        { name: 'smart', deployments: [{ provider: 'openai', model: 'broken' }, { provider: 'openai', model: 'mock-smart', price }] },
        { name: 'flaky', maxAttempts: 2, deployments: [{ provider: 'openai', model: 'mock-flaky', price }] },
        { name: 'cached', deployments: [{ provider: 'openai', model: 'mock-cached', price }] },
      ],
    }),
  );
});
afterAll(async () => {
  await gw?.close(1000);
  await upstream?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function admin(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** One chat call; the response body is read whole (a stream to its end). */
async function chat(key: string | undefined, model: string, text: string, stream = false): Promise<Response> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { authorization: `Bearer ${key}` }) },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: text }], user: secretUser, ...(stream ? { stream: true } : {}) }),
  });
  await res.arrayBuffer();
  return res;
}

async function scrape(key = master): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

const le = (bounds: readonly number[]): string[] => [...bounds.map(String), '+Inf'];

describe('metrics plugin through the real gateway', () => {
  const keysMade: string[] = [];
  let samples: PromSample[];
  let calls = 0;
  let cacheHits = 0;
  let cacheMisses = 0;

  beforeAll(async () => {
    await admin('/team/new', { team_id: 'team-a' });
    const teamKey = (await admin('/key/generate', { team_id: 'team-a' })).key as string;
    const rpmKey = (await admin('/key/generate', { rpm_limit: 1 })).key as string;
    const brokeKey = (await admin('/key/generate', { max_budget: 0 })).key as string;
    keysMade.push(teamKey, rpmKey, brokeKey);
    const expectStatus = async (res: Promise<Response>, status: number) => {
      calls++;
      expect((await res).status).toBe(status);
    };
    await expectStatus(chat(teamKey, 'fast', 'one'), 200);
    await expectStatus(chat(teamKey, 'fast', 'two'), 200);
    await expectStatus(chat(teamKey, 'fast', 'three', true), 200);
    await expectStatus(chat(master, 'smart', 'falls back'), 200);
    upstream.override(faults.status(429, { error: { message: 'once', type: 'rate_limit_error', code: null } }), 1);
    await expectStatus(chat(master, 'flaky', 'retried'), 200);
    // The cache stores after the answer is sent: ask again until the answer comes from it.
    while (cacheHits === 0) {
      const res = await chat(master, 'cached', 'same question');
      calls++;
      expect(res.status).toBe(200);
      if (res.headers.get('x-switchyard-cache') === 'hit') cacheHits++;
      else cacheMisses++;
      if (cacheMisses > 50) throw new Error('the cache never answered');
    }
    await expectStatus(chat(rpmKey, 'fast', 'first'), 200);
    await expectStatus(chat(rpmKey, 'fast', 'second'), 429);
    await expectStatus(chat(brokeKey, 'fast', 'no money'), 402);
    await expectStatus(chat(master, 'no-such-model', 'who'), 404);
    await expectStatus(chat(undefined, 'fast', 'no key'), 401);
    samples = await scrapeSettled(gw.url, master, calls);
  });

  test('/metrics needs the master key: 401 without a key, 403 for a virtual key; Prometheus text with its content type', async () => {
    expect((await fetch(`${gw.url}/metrics`)).status).toBe(401);
    expect((await scrape(keysMade[0])).status).toBe(403);
    const ok = await scrape();
    expect(ok.status).toBe(200);
    expect(ok.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { types } = parsePromText(ok.text);
    expect(types).toMatchObject({
      gen_ai_client_token_usage: 'histogram',
      gen_ai_client_operation_duration_seconds: 'histogram',
      gen_ai_server_request_duration_seconds: 'histogram',
      gen_ai_server_time_to_first_token_seconds: 'histogram',
      switchyard_requests_total: 'counter',
      switchyard_tokens_total: 'counter',
      switchyard_spend_usd_total: 'counter',
      switchyard_rate_limited_total: 'counter',
      switchyard_budget_exceeded_total: 'counter',
      switchyard_overhead_seconds: 'histogram',
      switchyard_inflight_requests: 'gauge',
      switchyard_deployment_state: 'gauge',
      switchyard_cache_hits_total: 'counter',
      switchyard_fallbacks_total: 'counter',
      switchyard_retries_total: 'counter',
    });
  });

  test('requests by route, status, model group, provider and team; unknown models are `other`', () => {
    const requests = (status: string, model: string, provider: string, team_id: string) =>
      valueOf(samples, 'switchyard_requests_total', { route, status_code: status, model, provider, team_id });
    expect(requests('200', 'fast', 'openai', 'team-a')).toBe(3);
    expect(requests('200', 'fast', 'openai', '')).toBe(1);
    expect(requests('429', 'fast', '', '')).toBe(1);
    expect(requests('402', 'fast', '', '')).toBe(1);
    expect(requests('200', 'smart', 'openai', '')).toBe(1);
    expect(requests('200', 'flaky', 'openai', '')).toBe(1);
    expect(requests('200', 'cached', 'openai', '')).toBe(cacheMisses);
    expect(requests('200', 'cached', '', '')).toBe(cacheHits);
    expect(requests('404', 'other', '', '')).toBe(1);
    expect(requests('401', '', '', '')).toBe(1);
    expect(samplesOf(samples, 'switchyard_requests_total').length).toBe(10);
    expect(valueOf(samples, 'switchyard_inflight_requests', { route })).toBe(0);
  });

  test('tokens by priced part, and the OTel token-usage histogram with its buckets', () => {
    const tokens = (type: string, model: string) => valueOf(samples, 'switchyard_tokens_total', { type, model, provider: 'openai' });
    // fast: three calls of the team key and one of the rpm key, the stream's usage included.
    expect([tokens('input', 'fast'), tokens('cache_read', 'fast'), tokens('output', 'fast'), tokens('reasoning', 'fast')]).toEqual([24, 16, 12, 8]);
    // A counter appears with its first increment: no cache writes, no series.
    expect(samplesOf(samples, 'switchyard_tokens_total', { type: 'cache_write' })).toEqual([]);
    expect([tokens('input', 'smart'), tokens('output', 'smart'), tokens('reasoning', 'smart')]).toEqual([6, 3, 2]);
    expect(tokens('input', 'cached')).toBe(6 * cacheMisses);
    const labels = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'fast', gen_ai_response_model: 'mock-fast' };
    const input = histogramOf(samples, 'gen_ai_client_token_usage', { ...labels, gen_ai_token_type: 'input' });
    expect([...input.buckets.keys()]).toEqual(le(tokenBuckets));
    expect([input.count, input.sum]).toEqual([4, 40]);
    expect([input.buckets.get('4'), input.buckets.get('16'), input.buckets.get('+Inf')]).toEqual([0, 4, 4]);
    const output = histogramOf(samples, 'gen_ai_client_token_usage', { ...labels, gen_ai_token_type: 'output' });
    expect([output.count, output.sum, output.buckets.get('4'), output.buckets.get('16')]).toEqual([4, 20, 0, 4]);
    expect(le(tokenBuckets)).toEqual(['1', '4', '16', '64', '256', '1024', '4096', '16384', '65536', '262144', '1048576', '4194304', '16777216', '67108864', '+Inf']);
  });

  test('spend per model, provider and team, from the deployment price', () => {
    expect(valueOf(samples, 'switchyard_spend_usd_total', { model: 'fast', provider: 'openai', team_id: 'team-a' })).toBeCloseTo(3 * usdPerCall, 15);
    expect(valueOf(samples, 'switchyard_spend_usd_total', { model: 'fast', provider: 'openai', team_id: '' })).toBeCloseTo(usdPerCall, 15);
    expect(valueOf(samples, 'switchyard_spend_usd_total', { model: 'smart', provider: 'openai', team_id: '' })).toBeCloseTo(usdPerCall, 15);
  });

  test('one operation duration per upstream attempt, a failed one with the upstream’s own status as error_type (500, 429; not the gateway’s 502)', () => {
    const attempt = (model: string, response: string, error_type: string) =>
      histogramOf(samples, 'gen_ai_client_operation_duration_seconds', {
        gen_ai_operation_name: 'chat',
        gen_ai_provider_name: 'openai',
        gen_ai_request_model: model,
        gen_ai_response_model: response,
        error_type,
      });
    const failed = attempt('smart', 'broken', '500');
    expect([...failed.buckets.keys()]).toEqual(le(durationBuckets));
    expect(failed.count).toBe(1);
    expect(attempt('smart', 'mock-smart', '').count).toBe(1);
    expect(attempt('flaky', 'mock-flaky', '429').count).toBe(1);
    expect(attempt('flaky', 'mock-flaky', '').count).toBe(1);
    expect(attempt('fast', 'mock-fast', '').count).toBe(4);
    expect(attempt('cached', 'mock-cached', '').count).toBe(cacheMisses);
    const all = samplesOf(samples, 'gen_ai_client_operation_duration_seconds_count').reduce((n, s) => n + s.value, 0);
    expect(all).toBe(4 + 2 + 2 + cacheMisses);
    // The only failed attempts are those two: no series carries the gateway's mapped 502.
    const errorTypes = samplesOf(samples, 'gen_ai_client_operation_duration_seconds_count').map((s) => s.labels.error_type).filter((t) => t !== '');
    expect(errorTypes.sort()).toEqual(['429', '500']);
  });

  test('server duration per call and status, time to first token of the stream, overhead of every call', () => {
    const server = histogramOf(samples, 'gen_ai_server_request_duration_seconds', { gen_ai_operation_name: 'chat', gen_ai_request_model: 'fast', http_status_code: '200' });
    expect([...server.buckets.keys()]).toEqual(le(durationBuckets));
    expect(server.count).toBe(4);
    expect(histogramOf(samples, 'gen_ai_server_request_duration_seconds', { gen_ai_operation_name: 'chat', gen_ai_request_model: 'fast', http_status_code: '429' }).count).toBe(1);
    expect(histogramOf(samples, 'gen_ai_server_request_duration_seconds', { gen_ai_operation_name: 'chat', gen_ai_request_model: '', http_status_code: '401' }).count).toBe(1);
    const ttft = histogramOf(samples, 'gen_ai_server_time_to_first_token_seconds', { gen_ai_request_model: 'fast', gen_ai_provider_name: 'openai' });
    expect([...ttft.buckets.keys()]).toEqual(le(ttftBuckets));
    expect(ttft.count).toBe(1);
    expect(samplesOf(samples, 'gen_ai_server_time_to_first_token_seconds_count').reduce((n, s) => n + s.value, 0)).toBe(1);
    const overhead = histogramOf(samples, 'switchyard_overhead_seconds', { route });
    expect([...overhead.buckets.keys()]).toEqual(le(overheadBuckets));
    expect(le(overheadBuckets)[0]).toBe('0.0001');
    expect(overhead.count).toBe(calls);
  });

  test('fallbacks, retries, cache hits and refusals', () => {
    const counter = (name: string, model: string, provider = 'openai') => valueOf(samples, name, { model, provider });
    expect(counter('switchyard_fallbacks_total', 'smart')).toBe(1);
    expect(counter('switchyard_retries_total', 'flaky')).toBe(1);
    expect(counter('switchyard_cache_hits_total', 'cached', '')).toBe(cacheHits);
    // Nothing else fell back, retried or came from the cache (a counter appears with its first increment).
    expect(samplesOf(samples, 'switchyard_fallbacks_total').length).toBe(1);
    expect(samplesOf(samples, 'switchyard_retries_total').length).toBe(1);
    expect(samplesOf(samples, 'switchyard_cache_hits_total').length).toBe(1);
    expect(samplesOf(samples, 'switchyard_rate_limited_total')).toEqual([{ name: 'switchyard_rate_limited_total', labels: { scope: 'key', limit: 'rpm' }, value: 1 }]);
    expect(samplesOf(samples, 'switchyard_budget_exceeded_total')).toEqual([{ name: 'switchyard_budget_exceeded_total', labels: { scope: 'key' }, value: 1 }]);
  });

  test('every configured deployment has a state, all healthy here', () => {
    const states = samplesOf(samples, 'switchyard_deployment_state').map((s) => [s.labels.deployment, s.labels.provider, s.labels.model, s.value]);
    expect(states).toEqual([
      ['fast#0', 'openai', 'mock-fast', 0],
      ['smart#0', 'openai', 'broken', 0],
      ['smart#1', 'openai', 'mock-smart', 0],
      ['flaky#0', 'openai', 'mock-flaky', 0],
      ['cached#0', 'openai', 'mock-cached', 0],
    ]);
  });

  test('every histogram series: the declared bucket boundaries, cumulative counts, +Inf equal to _count', () => {
    const bounds: Record<string, readonly number[]> = {
      gen_ai_client_token_usage: tokenBuckets,
      gen_ai_client_operation_duration_seconds: durationBuckets,
      gen_ai_server_request_duration_seconds: durationBuckets,
      gen_ai_server_time_to_first_token_seconds: ttftBuckets,
      switchyard_overhead_seconds: overheadBuckets,
    };
    let checked = 0;
    for (const [name, declared] of Object.entries(bounds)) {
      for (const count of samplesOf(samples, `${name}_count`)) {
        const h = histogramOf(samples, name, count.labels);
        expect([...h.buckets.keys()]).toEqual(le(declared));
        const cumulative = [...h.buckets.values()];
        expect(cumulative).toEqual([...cumulative].sort((a, b) => a - b));
        expect(h.buckets.get('+Inf')).toBe(h.count);
        expect(h.sum).toBeGreaterThanOrEqual(0);
        checked++;
      }
    }
    // Each of the five histograms has at least one series after the calls above.
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  test('no label value is a key, a hash or a request’s user', () => {
    const values = new Set(samples.flatMap((s) => Object.values(s.labels)));
    expect(values.size).toBeGreaterThan(10);
    for (const value of values) {
      expect(value).not.toMatch(/[0-9a-f]{64}/i);
      expect(value).not.toMatch(/^sk-/);
      expect(value).not.toContain(secretUser);
      for (const key of [master, ...keysMade]) {
        expect(value).not.toContain(key);
        expect(value).not.toContain(key.slice(3, 12));
      }
    }
  });

  test('10,000 requests with random unknown model names add no series', async () => {
    const before = seriesKeys(await scrapeSettled(gw.url, master, calls));
    let next = 0;
    const statuses = new Map<number, number>();
    const worker = async (): Promise<void> => {
      while (next < 10_000) {
        next++;
        const name = `unknown-${Math.random().toString(36).slice(2)}-${next}`;
        const res = await fetch(`${gw.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: name, messages: [{ role: 'user', content: 'x' }] }),
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    expect([...statuses]).toEqual([[404, 10_000]]);
    calls += 10_000;
    const after = await scrapeSettled(gw.url, master, calls);
    expect(seriesKeys(after)).toEqual(before);
    expect(valueOf(after, 'switchyard_requests_total', { route, status_code: '404', model: 'other', provider: '', team_id: '' })).toBe(10_001);
  }, 240_000);
});
