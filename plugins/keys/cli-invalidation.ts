import type { Redis } from 'ioredis';
import type { CacheChange } from './admin/index.ts';
import { DEFAULT_REDIS_PREFIX, invalidationChannel } from './invalidation.ts';

/** How the CLI tells running gateways what it changed. */
export interface CliInvalidation {
  /** Publishes the change; never throws (the change is stored already): a failure is kept in `failure`. */
  publish(change: CacheChange): Promise<void>;
  /** Why a publish failed, if one did (no key material in it: only Redis's own message). */
  readonly failure: string | undefined;
  close(): Promise<void>;
}

/**
 * With `REDIS_URL`, the CLI publishes every change on the channel the gateways listen on (the
 * message the admin API publishes: token hashes and team ids), so a key blocked or deleted from a
 * shell is refused by every running instance within a second. `SWITCHYARD_REDIS_PREFIX` names the
 * prefix when the gateways run with another `redisPrefix`. Without Redis: undefined, and running
 * gateways see the change when their cached record expires (`cacheTtlMs`, 30 s).
 */
export async function cliInvalidation(env: Readonly<Record<string, string | undefined>>): Promise<CliInvalidation | undefined> {
  const url = env.REDIS_URL;
  if (url === undefined || url === '') return undefined;
  const channel = invalidationChannel(env.SWITCHYARD_REDIS_PREFIX || DEFAULT_REDIS_PREFIX);
  let redis: Redis | undefined;
  let failure: string | undefined;
  return {
    get failure() {
      return failure;
    },
    async publish(change) {
      try {
        if (redis === undefined) {
          const { Redis } = await import('ioredis');
          // One try, quickly: a CLI waits for nobody (the TTL still bounds how long a change takes).
          redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000, commandTimeout: 3_000, retryStrategy: () => null });
          redis.on('error', () => undefined);
          await redis.connect();
        }
        await redis.publish(channel, JSON.stringify(change));
      } catch (err) {
        failure = err instanceof Error ? err.message : String(err);
      }
    },
    async close() {
      await redis?.quit().catch(() => redis?.disconnect());
    },
  };
}
