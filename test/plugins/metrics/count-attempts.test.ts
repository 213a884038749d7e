import { afterAll, beforeAll, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../../plugins/fallback/ordered/index.ts';
import inboundMessages from '../../../plugins/inbound/messages/index.ts';
import metrics from '../../../plugins/metrics/index.ts';
import anthropic from '../../../plugins/providers/anthropic/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { anthropicError, mockAnthropicKey, startMockAnthropic } from '../../helpers/mock-upstream/anthropic.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';
import { samplesOf, scrapeSettled, valueOf, type PromSample } from '../../helpers/prom-text.ts';

const key = 'sk-master-count-attempts-0123456789';
const route = '/v1/messages/count_tokens';
let anthropicUp: MockServer;
let openaiUp: MockServer;
let gw: RunningGateway;

beforeAll(async () => {
  [anthropicUp, openaiUp] = await Promise.all([startMockAnthropic(), startMockOpenAI()]);
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        anthropic({ apiKey: mockAnthropicKey, baseURL: anthropicUp.url }),
        openai({ apiKey: mockOpenAIKey, baseURL: `${openaiUp.url}/v1` }),
        masterKey({ key }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1 }),
        inboundMessages(),
        metrics({}),
      ],
      models: [
        { name: 'claude', deployments: [{ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' }], maxAttempts: 1 },
        { name: 'gpt', deployments: [{ provider: 'openai', model: 'gpt-4o' }], maxAttempts: 1 },
        {
          name: 'claude-then-gpt',
          deployments: [
            { provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' },
            { provider: 'openai', model: 'gpt-4o' },
          ],
          maxAttempts: 2,
        },
      ],
    }),
  );
});
afterAll(async () => {
  await gw?.close(1000);
  await Promise.all([anthropicUp?.close(), openaiUp?.close()]);
});

async function count(model: string): Promise<Response> {
  const res = await fetch(`${gw.url}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'how many tokens is this?' }] }),
  });
  await res.arrayBuffer();
  return res;
}

const attempts = (samples: PromSample[]) =>
  samplesOf(samples, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_operation_name: 'count_tokens' })
    .map((s) => [s.labels.gen_ai_provider_name, s.labels.gen_ai_request_model, s.labels.gen_ai_response_model, s.labels.error_type, s.value])
    .sort((a, b) => (String(a[1]) < String(b[1]) ? -1 : 1));

test('a count answered by a provider is one upstream attempt of operation count_tokens; a local estimate is none', async () => {
  const exact = await count('claude');
  expect(exact.status).toBe(200);
  expect(exact.headers.get('x-switchyard-token-count')).toBeNull();
  const estimated = await count('gpt');
  expect(estimated.status).toBe(200);
  expect(estimated.headers.get('x-switchyard-token-count')).toBe('estimated');
  const samples = await scrapeSettled(gw.url, key, 2, { route });
  expect(attempts(samples)).toEqual([['anthropic', 'claude', 'claude-3-5-sonnet-20241022', '', 1]]);
  expect(valueOf(samples, 'switchyard_overhead_seconds_count', { route })).toBe(2);
  // A count uses no tokens and costs nothing.
  expect(samplesOf(samples, 'gen_ai_client_token_usage_count')).toEqual([]);
  expect(samplesOf(samples, 'switchyard_spend_usd_total')).toEqual([]);
});

test('a provider that fails a count keeps its failed attempt (with its status) when the next deployment estimates', async () => {
  anthropicUp.override((_req, res) => anthropicError(res, 529, 'overloaded_error', 'Overloaded'), 1);
  const res = await count('claude-then-gpt');
  expect(res.status).toBe(200);
  expect(res.headers.get('x-switchyard-token-count')).toBe('estimated');
  const samples = await scrapeSettled(gw.url, key, 3, { route });
  expect(attempts(samples)).toEqual([
    ['anthropic', 'claude', 'claude-3-5-sonnet-20241022', '', 1],
    ['anthropic', 'claude-then-gpt', 'claude-3-5-sonnet-20241022', '529', 1],
  ]);
});
