import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { RedisState } from '../../../../plugins/state/redis/index.ts';
import { createRootLogger } from '../../../../core/log.ts';
import { sharedStateContract } from '../../../helpers/state-contract.ts';

const url = process.env.REDIS_URL;
if (!url) console.warn('REDIS_URL is not set: skipping the Redis shared-state tests');
const log = createRootLogger({ level: 'silent', sync: true });

describe.skipIf(!url)('RedisState against real Redis', () => {
  const prefix = `sy-test-${randomUUID()}:`;
  const made: RedisState[] = [];

  afterAll(async () => {
    await Promise.all(made.map((s) => s.close()));
    const r = new Redis(url as string);
    const keys = await r.keys(`${prefix}*`);
    if (keys.length > 0) await r.del(...keys);
    await r.quit();
  });

  const make = () => {
    const s = new RedisState({ url: url as string, prefix, latencyTtlMs: 60_000, log });
    made.push(s);
    return s;
  };
  // Each test gets fresh ids, so tests sharing the prefix do not see each other's keys.
  sharedStateContract(make, (name) => `${name}-${randomUUID().slice(0, 8)}`);

  test('every key has a TTL', async () => {
    const s = make();
    await s.ready();
    const now = Date.now();
    await s.setCooldown('ttl-a', { now, until: now + 1000, reason: 'x', halfOpenMs: 1000 });
    await s.acquire('ttl-a', 60_000);
    await s.recordLatency('ttl-a', 'total', 5, 0.3);
    await s.addUsage('ttl-a', now, 1, 1);
    await s.recordOutcome('ttl-a', true, now, 60_000);
    const r = new Redis(url as string);
    const keys = await r.keys(`${prefix}*ttl-a*`);
    expect(keys.length).toBeGreaterThanOrEqual(5);
    for (const key of keys) expect(await r.pttl(key)).toBeGreaterThan(0);
    await r.quit();
  });
});

describe('RedisState while Redis is unreachable', () => {
  test('serves from the in-process fallback and reports degraded', async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const s = new RedisState({ url: 'redis://127.0.0.1:1', prefix: 'sy-down:', latencyTtlMs: 60_000, log });
    try {
      expect(await s.ready(200)).toBe(false);
      await s.setCooldown('d', { now: 0, until: 1000, reason: 'x', halfOpenMs: 1000 });
      expect(await s.circuits(['d'], 10)).toEqual([{ state: 'open', until: 1000, reason: 'x' }]);
      await s.acquire('d', 1000);
      expect(await s.inFlight(['d'])).toEqual([1]);
      expect(s.health().status).toBe('degraded');
    } finally {
      await s.close();
    }
  });
});
