import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { AdmissionStoreError, RedisAdmission, type Admitted } from '../../../../plugins/keys/limits/index.ts';
import { admissionContract } from '../../../helpers/admission-contract.ts';
import { redisAdmissions, redisUrl } from '../../../helpers/redis-admission.ts';

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const id = (name: string): string => `${name}-${randomUUID().slice(0, 8)}`;

describe('RedisAdmission against real Redis: the admission contract', () => {
  const redis = redisAdmissions();
  afterAll(() => redis.cleanup());
  admissionContract({
    make: (options) => redis.make(options),
    now: Date.now,
    // Redis reads its own clock: the only way to let time pass is to wait (kept short by the options below).
    pass: wait,
    id,
    shortBucketMs: 5,
    shortLeaseTtlMs: 50,
  });
});

describe('RedisAdmission against real Redis: several instances', () => {
  const redis = redisAdmissions();
  afterAll(() => redis.cleanup());

  test('exactness: 20 concurrent admissions over two instances for rpm 10 admit exactly 10', async () => {
    const one = await redis.make();
    const two = await redis.make();
    const scope = { id: id('shared'), kind: 'key', rpm: 10 } as const;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? one : two).admit({ scopes: [scope], tokens: 0 })));
    expect(results.filter((r) => r.admitted)).toHaveLength(10);
    for (const r of results) if (!r.admitted) expect(r).toMatchObject({ limit: 'rpm', value: 10 });
  });

  test('a lease taken on one instance is released on the other, and tpm is shared', async () => {
    const one = await redis.make();
    const two = await redis.make();
    const scope = { id: id('lease'), kind: 'key', maxParallel: 1, tpm: 100 } as const;
    const held = (await one.admit({ scopes: [scope], tokens: 80 })) as Admitted;
    expect(await two.admit({ scopes: [scope], tokens: 10 })).toMatchObject({ admitted: false, limit: 'parallel' });
    await two.release(held.lease);
    expect(await two.admit({ scopes: [scope], tokens: 30 })).toMatchObject({ admitted: false, limit: 'tpm' });
    await two.reconcile(held.lease, 20);
    expect(await two.admit({ scopes: [scope], tokens: 30 })).toMatchObject({ admitted: true, tokens: { remaining: 50 } });
  });

  test('one round trip per admission, however many scopes and limits', async () => {
    const conn = await redis.connect();
    const a = await redis.make({ connection: conn });
    const window = { id: 'w', endsAt: Date.now() + 60_000 };
    const limits = { rpm: 100, tpm: 10_000, maxParallel: 10, budget: { maxNanoUsd: 1_000, window } };
    const scopes = [
      { id: id('rt-key'), kind: 'key', ...limits },
      { id: id('rt-team'), kind: 'team', ...limits },
      { id: id('rt-km'), kind: 'key-model', ...limits },
    ] as const;
    // The first run may meet NOSCRIPT on a fresh server; after that the script is cached.
    await a.admit({ scopes, tokens: 10 });
    const sent = vi.spyOn(conn, 'sendCommand');
    const r = await a.admit({ scopes, tokens: 10, costNanoUsd: 5 });
    expect(r.admitted).toBe(true);
    expect(sent).toHaveBeenCalledTimes(1);
    expect(sent.mock.calls[0]?.[0].name).toBe('evalsha');
  });

  test('every key it writes has a TTL, so nothing accumulates', async () => {
    const a = await redis.make();
    const sid = id('ttl');
    const window = { id: 'w', endsAt: Date.now() + 60_000 };
    const scope = { id: sid, kind: 'key', rpm: 5, tpm: 500, maxParallel: 2, budget: { maxNanoUsd: 100, window } } as const;
    const r = (await a.admit({ scopes: [scope], tokens: 50, costNanoUsd: 5 })) as Admitted;
    await a.reconcile(r.lease, 70);
    await a.recordSpend(sid, window, 10);
    const probe = new Redis(redisUrl);
    try {
      const keys = await probe.keys(`${redis.prefix}*${sid}*`);
      expect(keys.map((k) => k.slice(redis.prefix.length).split(':')[0]).sort()).toEqual(['bud', 'par', 'rpm', 'tpm']);
      for (const key of keys) expect(await probe.pttl(key)).toBeGreaterThan(0);
    } finally {
      await probe.quit();
    }
  });

  test('a store that answers with an error fails closed, or open when configured', async () => {
    const conn = await redis.connect();
    const scope = { id: id('broken'), kind: 'key', rpm: 5 } as const;
    // A key of the wrong type makes the script fail on the server (WRONGTYPE), as a corrupt store would.
    await conn.set(`${redis.prefix}rpm:${scope.id}`, 'not a hash', 'PX', 60_000);
    const closed = await redis.make({ connection: conn });
    await expect(closed.admit({ scopes: [scope], tokens: 0 })).rejects.toBeInstanceOf(AdmissionStoreError);
    const open = await redis.make({ connection: conn, onStoreError: 'open' });
    expect(await open.admit({ scopes: [scope], tokens: 0 })).toMatchObject({ admitted: true, failedOpen: true });
  });
});

describe('RedisAdmission while Redis is unreachable', () => {
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  const closed = (): Redis => {
    const conn = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    conn.on('error', () => undefined);
    return conn;
  };
  const scope = { id: 'down', kind: 'key', rpm: 1, maxParallel: 1 } as const;

  test('fails closed by default: a typed error the plugin answers with 503', async () => {
    const conn = closed();
    const a = new RedisAdmission({ redis: conn, prefix: 'sy-down:' });
    await expect(a.admit({ scopes: [scope], tokens: 10 })).rejects.toBeInstanceOf(AdmissionStoreError);
    await expect(a.admit({ scopes: [scope], tokens: 10 })).rejects.toMatchObject({ code: 'limits_store_unavailable' });
    await expect(a.recordSpend('down', { id: 'w', endsAt: Date.now() }, 1)).rejects.toBeInstanceOf(AdmissionStoreError);
    conn.disconnect();
  });

  test("fails closed after a failed connection attempt too, and open with onStoreError: 'open'", async () => {
    const conn = closed();
    await conn.connect().catch(() => undefined);
    await expect(new RedisAdmission({ redis: conn, prefix: 'sy-down:' }).admit({ scopes: [scope], tokens: 10 })).rejects.toBeInstanceOf(
      AdmissionStoreError,
    );
    const open = new RedisAdmission({ redis: conn, prefix: 'sy-down:', onStoreError: 'open' });
    const r = await open.admit({ scopes: [scope], tokens: 10 });
    expect(r).toMatchObject({ admitted: true, failedOpen: true, requests: undefined, tokens: undefined });
    // Nothing was taken, so ending the request needs no store.
    const lease = (r as Admitted).lease;
    await open.reconcile(lease, 50);
    await open.settleSpend(lease, 5);
    await open.release(lease);
    conn.disconnect();
  });
});

describe('RedisAdmission: round trips after the call', () => {
  const redis = redisAdmissions();
  afterAll(() => redis.cleanup());

  test('release, reconcile and budget charge cost no round trip for limits the lease does not hold', async () => {
    const connection = await redis.connect();
    const admission = await redis.make({ connection });
    const evalsha = vi.spyOn(connection, 'evalsha');
    const result = await admission.admit({ scopes: [{ id: id('rpm-only'), kind: 'key', rpm: 100 }], tokens: 50 });
    expect(result.admitted).toBe(true);
    const lease = (result as Admitted).lease;
    expect(evalsha).toHaveBeenCalledTimes(1);
    await Promise.all([admission.release(lease), admission.reconcile(lease, 80), admission.settleSpend(lease, 1_000)]);
    expect(evalsha).toHaveBeenCalledTimes(1);
    evalsha.mockRestore();
  });
});
