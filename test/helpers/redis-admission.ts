import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisAdmission, type AdmissionOptions } from '../../plugins/keys/limits/index.ts';

export const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** A connection as the keys plugin should make it: fail fast while Redis is away, never queue. */
export function admissionConnection(url = redisUrl): Redis {
  return new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2_000, lazyConnect: true });
}

/**
 * Redis admission engines for one test file, under a prefix of their own (so concurrent runs never
 * share keys); `cleanup` closes every connection and deletes every key under the prefix.
 */
export function redisAdmissions(): {
  readonly prefix: string;
  make(options?: AdmissionOptions & { readonly connection?: Redis }): Promise<RedisAdmission>;
  connect(): Promise<Redis>;
  cleanup(): Promise<void>;
} {
  const prefix = `sy-test-limits-${randomUUID()}:`;
  const connections: Redis[] = [];
  const connect = async (): Promise<Redis> => {
    const redis = admissionConnection();
    connections.push(redis);
    await redis.connect();
    return redis;
  };
  return {
    prefix,
    connect,
    async make(options = {}) {
      return new RedisAdmission({ ...options, redis: options.connection ?? (await connect()), prefix });
    },
    async cleanup() {
      const r = new Redis(redisUrl);
      const keys = await r.keys(`${prefix}*`);
      if (keys.length > 0) await r.del(...keys);
      await r.quit();
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
      connections.length = 0;
    },
  };
}
