import { MemoryResponseStore, type MemoryResponseStoreOptions } from './memory-store.ts';
import { RedisResponseStore } from './redis-store.ts';
import type { ResponseStore } from './store.ts';

/**
 * The store the contract asks for: Redis when a URL is given (`REDIS_URL`), so any instance can
 * continue a conversation; this process's memory otherwise.
 *
 * @example
 * const store = responseStoreFor(process.env.REDIS_URL);
 */
export function responseStoreFor(redisUrl: string | undefined, memory: MemoryResponseStoreOptions = {}): ResponseStore {
  return redisUrl === undefined || redisUrl === '' ? new MemoryResponseStore(memory) : new RedisResponseStore({ url: redisUrl });
}
