import { Type } from '@sinclair/typebox';
import { definePlugin } from 'switchyard';
import { cachePlugin } from '../shared/plugin.ts';
import { sharedCacheOptions } from '../shared/options.ts';
import { MemoryBackend } from './backend.ts';

export const MemoryCacheOptions = Type.Object(
  {
    ...sharedCacheOptions,
    /** Total size of the cache, in bytes (default 64 MiB). */
    maxBytes: Type.Optional(Type.Integer({ minimum: 1024 })),
    /** Most entries held (default 10000). */
    maxEntries: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false, title: 'cache-memory' },
);

/**
 * A response cache in this process's memory, bounded by bytes and entries, with a ttl. Options
 * other than the bounds are shared with `cache/redis`, so moving to Redis is one line.
 *
 * @example
 * plugins: [memoryCache({ ttlSeconds: 600, maxBytes: 128 * 1024 * 1024 })]
 */
export default definePlugin(MemoryCacheOptions, (options) =>
  cachePlugin('cache-memory', options, () => new MemoryBackend({ maxBytes: options.maxBytes ?? 64 * 1024 * 1024, maxEntries: options.maxEntries ?? 10_000 })),
);
