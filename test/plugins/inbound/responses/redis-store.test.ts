import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GatewayError } from 'switchyard';
import { RedisResponseStore, defaultKeyPrefix, responseStoreFor, MemoryResponseStore } from '../../../../plugins/inbound/responses/index.ts';
import { responseStoreContract, turn } from './store-contract.ts';

const url = process.env.REDIS_URL;
if (!url) console.warn('REDIS_URL is not set: skipping the Redis response store tests');

/** One prefix per run, removed afterwards, so runs never see each other's records. */
const prefix = `switchyard-test:responses:${process.pid}:${Date.now()}:`;
let n = 0;
const ids = () => `resp_redis_${++n}`;

describe.skipIf(!url)('RedisResponseStore', () => {
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(url as string);
  });
  afterAll(async () => {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  responseStoreContract(() => new RedisResponseStore({ url: url as string, keyPrefix: prefix }), ids);

  test('a record is JSON under the prefix, with an expiry', async () => {
    const store = new RedisResponseStore({ url: url as string, keyPrefix: prefix });
    const record = turn('resp_raw', 'Hi', 'Hello');
    await store.put(record, 120);
    expect(JSON.parse((await admin.get(`${prefix}resp_raw`)) as string)).toEqual(record);
    const ttl = await admin.ttl(`${prefix}resp_raw`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(120);
    await store.close();
  });

  test('two stores on the same Redis (two gateway instances) see each other’s records', async () => {
    const one = new RedisResponseStore({ url: url as string, keyPrefix: prefix });
    const two = new RedisResponseStore({ url: url as string, keyPrefix: prefix });
    await one.put(turn('resp_shared', 'Hi', 'Hello'), 60);
    expect((await two.get('resp_shared'))?.response.id).toBe('resp_shared');
    expect(await two.delete('resp_shared')).toBe(true);
    expect(await one.get('resp_shared')).toBeUndefined();
    await Promise.all([one.close(), two.close()]);
  });

  test('responseStoreFor: Redis with a URL, memory without', async () => {
    const redis = responseStoreFor(url);
    const memory = responseStoreFor(undefined);
    expect(redis).toBeInstanceOf(RedisResponseStore);
    expect(memory).toBeInstanceOf(MemoryResponseStore);
    await Promise.all([redis.close(), memory.close()]);
    expect(defaultKeyPrefix).toBe('switchyard:responses:');
  });
});

describe('RedisResponseStore without Redis', () => {
  test('a failing Redis is a 503 response_store_unavailable, not a silent miss', async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const store = new RedisResponseStore({ url: 'redis://127.0.0.1:1', keyPrefix: prefix, connectTimeoutMs: 500 });
    for (const op of [() => store.get('resp_x'), () => store.put(turn('resp_x', 'a', 'b'), 60), () => store.delete('resp_x')]) {
      const err = await op().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GatewayError);
      expect(err).toMatchObject({ status: 503, type: 'service_unavailable_error', extra: { code: 'response_store_unavailable' } });
    }
    await store.close();
  });
});
