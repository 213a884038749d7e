import { afterAll, beforeAll, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../../plugins/fallback/ordered/index.ts';
import inboundMessages from '../../../plugins/inbound/messages/index.ts';
import metrics from '../../../plugins/metrics/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { startFixedUsageUpstream } from '../../helpers/mock-upstream/fixed-usage.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';
import { samplesOf, scrapeSettled as scrapeAll, valueOf, type PromSample } from '../../helpers/prom-text.ts';

const key = 'sk-master-labels-0123456789';
let upstream: MockServer;
let gw: RunningGateway;
/** The scrape once `calls` model calls are counted. */
const scrapeSettled = (calls: number): Promise<PromSample[]> => scrapeAll(gw.url, key, calls);

beforeAll(async () => {
  upstream = await startFixedUsageUpstream();
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: 'sk-upstream-0000', baseURL: `${upstream.url}/v1` }),
        masterKey({ key }),
        modelRouting({}),
        orderedFallback({ maxAttempts: 1 }),
        inboundMessages(),
        metrics({ maxDynamicModels: 1 }),
      ],
      models: [{ name: 'fast', deployments: [{ provider: 'openai', model: 'mock-fast' }] }],
    }),
  );
});
afterAll(async () => {
  await gw?.close(1000);
  await upstream?.close();
});

const post = async (path: string, body: unknown): Promise<number> => {
  const res = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
};
const chat = (model: string): Promise<number> => post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] });

test('provider/model names get a label once a provider answered them, up to maxDynamicModels; the rest are `other`', async () => {
  expect(await chat('openai/broken')).toBe(502);
  expect(await chat('openai/mock-x')).toBe(200);
  expect(await chat('openai/mock-x')).toBe(200);
  // Answered too, but past maxDynamicModels (1): `other`.
  expect(await chat('openai/mock-y')).toBe(200);
  const samples = await scrapeSettled(4);
  const route = '/v1/chat/completions';
  expect(samplesOf(samples, 'switchyard_requests_total').map((s) => [s.labels.model, s.labels.status_code, s.value])).toEqual([
    ['other', '502', 1],
    ['openai/mock-x', '200', 2],
    ['other', '200', 1],
  ]);
  expect(valueOf(samples, 'switchyard_requests_total', { route, status_code: '200', model: 'openai/mock-x', provider: 'openai', team_id: '' })).toBe(2);
  const usage = samplesOf(samples, 'gen_ai_client_token_usage_count', { gen_ai_token_type: 'input' }).map((s) => [s.labels.gen_ai_request_model, s.labels.gen_ai_response_model, s.value]);
  // Series order in a scrape is not part of the format: compare as sets.
  expect(usage).toEqual(
    expect.arrayContaining([
      ['openai/mock-x', 'mock-x', 2],
      ['other', 'other', 1],
    ]),
  );
  expect(usage).toHaveLength(2);
  const attempts = samplesOf(samples, 'gen_ai_client_operation_duration_seconds_count').map((s) => [s.labels.gen_ai_request_model, s.labels.gen_ai_response_model, s.labels.error_type, s.value]);
  // The request was answered 502; its attempt keeps the upstream's own 500.
  expect(attempts).toEqual([
    ['other', 'other', '500', 1],
    ['openai/mock-x', 'mock-x', '', 2],
    ['other', 'other', '', 1],
  ]);
});

test('another API format is counted under its own route', async () => {
  const before = await scrapeSettled(4);
  expect(samplesOf(before, 'switchyard_requests_total', { route: '/v1/messages' })).toEqual([]);
  expect(await post('/v1/messages', { model: 'fast', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })).toBe(200);
  const samples = await scrapeSettled(5);
  expect(valueOf(samples, 'switchyard_requests_total', { route: '/v1/messages', status_code: '200', model: 'fast', provider: 'openai', team_id: '' })).toBe(1);
  expect(valueOf(samples, 'switchyard_overhead_seconds_count', { route: '/v1/messages' })).toBe(1);
  expect(valueOf(samples, 'switchyard_inflight_requests', { route: '/v1/messages' })).toBe(0);
});

test('a token count is a request of its own route: counted once, and never left in flight', async () => {
  const before = await scrapeSettled(5);
  const route = '/v1/messages/count_tokens';
  expect(await post(route, { model: 'fast', messages: [{ role: 'user', content: 'how many tokens?' }] })).toBe(200);
  const samples = await scrapeSettled(6);
  expect(valueOf(samples, 'switchyard_requests_total', { route, status_code: '200', model: 'fast', provider: 'openai', team_id: '' })).toBe(1);
  expect(valueOf(samples, 'switchyard_inflight_requests', { route })).toBe(0);
  // A local estimate calls no upstream and uses no tokens: no token or attempt series move.
  const count = (s: PromSample[], name: string) => samplesOf(s, name).reduce((n, x) => n + x.value, 0);
  expect(count(samples, 'gen_ai_client_token_usage_count')).toBe(count(before, 'gen_ai_client_token_usage_count'));
  expect(count(samples, 'switchyard_tokens_total')).toBe(count(before, 'switchyard_tokens_total'));
});
