import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningGateway } from 'switchyard';
import memoryCache from '../../../../plugins/cache/memory/index.ts';
import { MemoryBackend } from '../../../../plugins/cache/memory/backend.ts';
import { startTestGateway } from '../../../helpers/gateway.ts';
import { startMockOpenAI } from '../../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../../helpers/mock-upstream/server.ts';
import { cacheBehaviourSuite, fresh, gatewayConfig, sdk } from '../shared/behaviour.ts';

cacheBehaviourSuite('memory', () => memoryCache({ ttlSeconds: 60, maxTtlSeconds: 120, coalesceTimeoutMs: 5000 }));

describe('memory backend bounds', () => {
  test('evicts least recently used entries once the total bytes are reached', async () => {
    const backend = new MemoryBackend({ maxBytes: 10_000, maxEntries: 1000 });
    const value = 'x'.repeat(990); // 990 bytes + a 10-byte key: 1000 per entry
    for (let i = 0; i < 10; i++) await backend.set([[`key-${i.toString().padStart(6, '0')}`, value]], 60);
    expect(backend.stats).toEqual({ entries: 10, bytes: 10_000 });
    await backend.get('key-000000'); // now the most recently used
    await backend.set([['key-000010', value]], 60);
    expect(backend.stats.bytes).toBeLessThanOrEqual(10_000);
    expect(await backend.get('key-000001')).toBeUndefined();
    expect(await backend.get('key-000000')).toBe(value);
    expect(await backend.get('key-000010')).toBe(value);
  });

  test('counts UTF-8 bytes, not characters', async () => {
    const backend = new MemoryBackend({ maxBytes: 10_000, maxEntries: 1000 });
    await backend.set([['k', 'é'.repeat(100)]], 60);
    expect(backend.stats.bytes).toBe(201);
  });

  test('an entry larger than the whole cache is not kept; the entry count is bounded too', async () => {
    const backend = new MemoryBackend({ maxBytes: 1000, maxEntries: 3 });
    await backend.set([['big', 'x'.repeat(2000)]], 60);
    expect(await backend.get('big')).toBeUndefined();
    for (const k of ['a', 'b', 'c', 'd']) await backend.set([[k, 'v']], 60);
    expect(backend.stats.entries).toBe(3);
    expect(await backend.get('a')).toBeUndefined();
  });

  test('entries expire after their ttl', async () => {
    const backend = new MemoryBackend({ maxBytes: 1000, maxEntries: 3 });
    await backend.set([['k', 'v']], 1);
    expect(await backend.get('k')).toBe('v');
    await new Promise((r) => setTimeout(r, 1050));
    expect(await backend.get('k')).toBeUndefined();
  });
});

describe('memory: which requests are cached', () => {
  let upstream: MockServer;
  let gw: RunningGateway;

  beforeAll(async () => {
    upstream = await startMockOpenAI();
    gw = await startTestGateway(gatewayConfig(upstream.url, memoryCache({ mode: 'deterministic', models: ['smart'], maxEntryBytes: 600 })));
  });
  afterAll(async () => {
    await gw?.close(1000);
    await upstream?.close();
  });

  /** Sends the same request three times (letting each store land) and counts upstream calls. */
  async function upstreamCalls(params: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>): Promise<number> {
    upstream.reset();
    const content = fresh('which');
    for (let i = 0; i < 3; i++) {
      await sdk(gw.url).chat.completions.create({ model: 'smart', messages: [{ role: 'user', content }], ...params });
      await new Promise((r) => setTimeout(r, 20));
    }
    return upstream.requests.length;
  }

  test('deterministic mode: temperature 0 or a seed is cached, anything else is not', async () => {
    expect(await upstreamCalls({ temperature: 0 })).toBe(1);
    expect(await upstreamCalls({ temperature: 0.7, seed: 7 })).toBe(1);
    expect(await upstreamCalls({ temperature: 0.7 })).toBe(3);
    expect(await upstreamCalls({})).toBe(3);
  });

  test('only the listed model groups are cached', async () => {
    expect(await upstreamCalls({ temperature: 0, model: 'gpt-4o' })).toBe(3);
  });

  test('answers larger than maxEntryBytes are not stored', async () => {
    expect(await upstreamCalls({ temperature: 0, messages: [{ role: 'user', content: fresh('long '.repeat(200)) }] })).toBe(3);
  });
});
