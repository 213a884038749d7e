import { Type } from '@sinclair/typebox';
import { definePlugin } from 'switchyard';
import { cachePlugin } from '../shared/plugin.ts';
import { sharedCacheOptions } from '../shared/options.ts';
import { RedisBackend } from './backend.ts';

export const RedisCacheOptions = Type.Object(
  {
    ...sharedCacheOptions,
    /** `redis://[:password@]host:port[/db]` or `rediss://…`; default `REDIS_URL`. */
    url: Type.Optional(Type.String({ minLength: 1 })),
    /** Prefix of every key this cache writes (default `switchyard:cache:`). */
    keyPrefix: Type.Optional(Type.String()),
    /** How values of at least `compressAboveBytes` are compressed (default gzip). */
    compression: Type.Optional(Type.Union([Type.Literal('gzip'), Type.Literal('brotli'), Type.Literal('none')])),
    /** Smaller values are stored as they are (default 1024 bytes). */
    compressAboveBytes: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Longest a read or write may take before it counts as a miss (ms, default 250). */
    commandTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Longest wait for a connection, at start-up too (ms, default 2000). */
    connectTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Longest pause between reconnection attempts (ms, default 1000). */
    reconnectMaxDelayMs: Type.Optional(Type.Integer({ minimum: 1 })),
    /** At most one "unreachable" warning per this many ms (default 30000). */
    warnIntervalMs: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false, title: 'cache-redis' },
);

/**
 * A response cache in Redis, shared by every gateway instance pointing at it, with a ttl and
 * compressed values. If Redis goes away the gateway keeps serving (misses, a warning, readiness
 * degraded) and reconnects by itself. Same behaviour and options as `cache/memory`.
 *
 * @example
 * plugins: [redisCache({ url: process.env.REDIS_URL, ttlSeconds: 600 })]
 */
export default definePlugin(RedisCacheOptions, (options) =>
  cachePlugin('cache-redis', options, (gateway) => {
    const url = options.url ?? process.env.REDIS_URL;
    if (url === undefined || url === '') throw new Error('no Redis URL: set the `url` option or REDIS_URL');
    return new RedisBackend({
      url,
      keyPrefix: options.keyPrefix ?? 'switchyard:cache:',
      compression: options.compression ?? 'gzip',
      compressAboveBytes: options.compressAboveBytes ?? 1024,
      commandTimeoutMs: options.commandTimeoutMs ?? 250,
      connectTimeoutMs: options.connectTimeoutMs ?? 2000,
      reconnectMaxDelayMs: options.reconnectMaxDelayMs ?? 1000,
      warnIntervalMs: options.warnIntervalMs ?? 30_000,
      log: gateway.log,
    });
  }),
);
