import { describe, expect, test } from 'vitest';
import { clientClosed, rateLimited, shippedPrices, upstreamTimeout, type Attempt, type Deployment, type Usage } from 'switchyard';
import { buildSpendRow, callTypeOf, type SpendRowInput } from '../../../../plugins/keys/spend/row.ts';
import { toUsage as anthropicUsage } from '../../../../plugins/providers/anthropic/response.ts';

const sonnet: Deployment = { id: 'smart#0', group: 'smart', provider: 'anthropic', model: 'claude-sonnet-4-20250514' };
const backup: Deployment = { id: 'smart#1', group: 'smart', provider: 'bedrock', model: 'us.anthropic.claude-sonnet-4-20250514-v1:0' };
const attempt = (deployment: Deployment, outcome: 'ok' | 'error', status: number): Attempt => ({ deployment, startedAt: 1100, durationMs: 300, outcome, status });

// 2026-01-01T00:00:00Z on the wall clock is performance.now() = 3000 ms.
const now = { epochMs: 1_767_225_600_000, perfMs: 3000 };
const caller = { apiKeyHash: 'a'.repeat(64), keyAlias: 'ci-bot', teamId: 'team-1', user: 'alice' };

type Ctx = SpendRowInput['ctx'];
const ctx = (over: Partial<Ctx> = {}): Ctx => ({
  id: 'req-1',
  operation: 'chat',
  model: 'smart',
  deployment: sonnet,
  attempts: [attempt(sonnet, 'ok', 200)],
  timings: { start: 1000, firstByte: 1250.4, end: 2000.6 },
  usage: undefined,
  cacheStatus: undefined,
  ...over,
});
const ok = { status: 200, error: undefined };

describe('buildSpendRow', () => {
  test('a forwarded call (images, audio, rerank): priced by its units when served, null without a price or units, 0 when it failed', () => {
    const dalle: Deployment = { id: 'openai/dall-e-3', group: 'dall-e-3', provider: 'openai', model: 'dall-e-3' };
    const images = { operation: 'images' as const, model: 'dall-e-3', deployment: dalle, attempts: [attempt(dalle, 'ok', 200)] };
    const served = buildSpendRow({ ctx: ctx({ ...images, units: { images: 2, size: '1792x1024', quality: 'hd' } }), outcome: ok, caller, price: shippedPrices['dall-e-3'], now });
    expect(served).toMatchObject({ call_type: 'aimage_generation', model: 'dall-e-3', total_tokens: 0, spend: 240_000_000, status: 'success' });
    const unpriced = buildSpendRow({ ctx: ctx({ ...images, units: { images: 1 } }), outcome: ok, caller, price: undefined, now });
    expect(unpriced.spend).toBeNull();
    const unmeasured = buildSpendRow({ ctx: ctx({ ...images, operation: 'transcriptions', units: {} }), outcome: ok, caller, price: shippedPrices['whisper-1'], now });
    expect(unmeasured).toMatchObject({ call_type: 'atranscription', spend: null });
    const moderation = buildSpendRow({ ctx: ctx({ ...images, operation: 'moderations', units: { requests: 1 } }), outcome: ok, caller, price: shippedPrices['omni-moderation'], now });
    expect(moderation.spend).toBe(0);
    const failed = buildSpendRow({
      ctx: ctx({ operation: 'rerank', model: 'rerank-v3.5', deployment: undefined, attempts: [attempt(dalle, 'error', 502)] }),
      outcome: { status: 502, error: upstreamTimeout('cohere', 1000) },
      caller,
      price: undefined,
      now,
    });
    expect(failed).toMatchObject({ call_type: 'arerank', spend: 0, status: 'failure' });
  });

  test('a successful chat: every field, LiteLLM names, epoch times from the performance clock, cost in nano-USD', () => {
    const usage = anthropicUsage({ input_tokens: 12, cache_read_input_tokens: 3000, cache_creation_input_tokens: 1000, output_tokens: 40, output_tokens_details: { thinking_tokens: 25 } });
    const row = buildSpendRow({ ctx: ctx({ usage }), outcome: ok, caller, price: shippedPrices['claude-sonnet-4'], now, metadata: { tags: ['ci'] } });
    expect(row).toEqual({
      log_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      request_id: 'req-1',
      call_type: 'acompletion',
      api_key: 'a'.repeat(64),
      key_alias: 'ci-bot',
      team_id: 'team-1',
      user: 'alice',
      model: 'claude-sonnet-4-20250514',
      model_group: 'smart',
      custom_llm_provider: 'anthropic',
      model_id: 'smart#0',
      startTime: 1_767_225_598_000,
      endTime: 1_767_225_599_001,
      completionStartTime: 1_767_225_598_250,
      request_duration_ms: 1001,
      prompt_tokens: 4012,
      completion_tokens: 40,
      total_tokens: 4052,
      cache_read_input_tokens: 3000,
      cache_creation_input_tokens: 1000,
      reasoning_tokens: 25,
      spend: 5_286_000,
      cache_hit: false,
      status: 'success',
      status_code: 200,
      error_type: null,
      attempts: 1,
      metadata: { tags: ['ci'] },
    });
  });

  test('a refused request (no deployment, no usage): failure, spend 0, the error type and code', () => {
    const row = buildSpendRow({
      ctx: ctx({ deployment: undefined, attempts: [], timings: { start: 1000, firstByte: undefined, end: 1001 } }),
      outcome: { status: 429, error: rateLimited('key rpm limit 10 reached', 6) },
      caller,
      price: undefined,
      now,
    });
    expect(row).toMatchObject({
      model: 'smart',
      model_group: 'smart',
      custom_llm_provider: null,
      model_id: null,
      completionStartTime: null,
      request_duration_ms: 1,
      prompt_tokens: 0,
      total_tokens: 0,
      spend: 0,
      status: 'failure',
      status_code: 429,
      error_type: 'rate_limit_error',
      attempts: 0,
      metadata: { error_code: 'rate_limit_exceeded' },
    });
  });

  test('a failure after fallbacks names the deployment last tried and counts every attempt', () => {
    const row = buildSpendRow({
      ctx: ctx({ deployment: undefined, attempts: [attempt(sonnet, 'error', 529), attempt(backup, 'error', 504)] }),
      outcome: { status: 504, error: upstreamTimeout('bedrock', 30_000) },
      caller,
      price: undefined,
      now,
    });
    expect(row).toMatchObject({ model: backup.model, custom_llm_provider: 'bedrock', model_id: 'smart#1', attempts: 2, status: 'failure', error_type: 'timeout_error' });
  });

  test('a client gone mid-stream is aborted (499), and the tokens it used are still charged', () => {
    const usage: Usage = { prompt_tokens: 1000, completion_tokens: 10, total_tokens: 1010 };
    const row = buildSpendRow({ ctx: ctx({ usage, timings: { start: 1000, firstByte: 1100, end: undefined } }), outcome: { status: 499, error: clientClosed() }, caller, price: { input: 3, output: 15 }, now });
    expect(row).toMatchObject({ status: 'aborted', status_code: 499, spend: 3_150_000, endTime: 1_767_225_600_000 });
  });

  test('a stream that failed after it started (status 200, an error) is a failure', () => {
    const row = buildSpendRow({ ctx: ctx(), outcome: { status: 200, error: upstreamTimeout('anthropic', 1000) }, caller, price: undefined, now });
    expect(row.status).toBe('failure');
  });

  test('tokens on a model without a price: spend null, never 0; the master key has no hash', () => {
    const usage: Usage = { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 };
    const row = buildSpendRow({ ctx: ctx({ usage }), outcome: ok, caller: { apiKeyHash: null, keyAlias: null, teamId: null, user: null }, price: undefined, now });
    expect(row).toMatchObject({ spend: null, api_key: null, key_alias: null, team_id: null, user: null, total_tokens: 10 });
  });

  test('a cache hit costs nothing and says so', () => {
    const usage: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    const row = buildSpendRow({ ctx: ctx({ usage, cacheStatus: 'hit', attempts: [], deployment: undefined }), outcome: ok, caller, price: undefined, now });
    expect(row).toMatchObject({ cache_hit: true, spend: 0, attempts: 0, status: 'success' });
  });

  test('defaults to the present instant: times are epoch ms, not performance.now() values', () => {
    const start = performance.now();
    const before = Date.now();
    const row = buildSpendRow({ ctx: ctx({ timings: { start, firstByte: undefined, end: start } }), outcome: ok, caller, price: undefined });
    expect(row.startTime).toBeGreaterThan(before - 60_000);
    expect(row.startTime).toBeLessThanOrEqual(Date.now() + 1);
  });
});

test("call_type: LiteLLM's names per operation, the operation's own name otherwise", () => {
  expect(['chat', 'completions', 'embeddings', 'responses', 'messages', 'models', 'toString'].map(callTypeOf)).toEqual([
    'acompletion',
    'atext_completion',
    'aembedding',
    'aresponses',
    'anthropic_messages',
    'models',
    'toString',
  ]);
});
