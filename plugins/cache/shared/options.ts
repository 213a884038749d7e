import { Type, type Static } from '@sinclair/typebox';
import type { Operation } from 'switchyard';

/**
 * Options every cache backend shares, so moving from memory to Redis changes the factory, not
 * the policy. Spread into each backend's own TypeBox object.
 */
export const sharedCacheOptions = {
  /** Plugin name; set it to load several caches (e.g. one per model group). */
  name: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' })),
  /** How long an entry lives unless the request asks for less (seconds, default 3600). */
  ttlSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Upper bound of a per-request ttl (`x-switchyard-cache-ttl`, `Cache-Control: max-age`); default 86400. */
  maxTtlSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Model groups (what clients send as `model`) to cache; default all. */
  models: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  /** Operations to cache; default chat, completions and embeddings. */
  operations: Type.Optional(
    Type.Array(Type.Union([Type.Literal('chat'), Type.Literal('completions'), Type.Literal('embeddings')]), { minItems: 1 }),
  ),
  /** `deterministic`: only requests with `temperature: 0` or a `seed` (embeddings always); default `all`. */
  mode: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('deterministic')])),
  /** Larger results (serialised, before compression) are not stored; default 1 MiB. */
  maxEntryBytes: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Separate entries per API key (hashed), principal id, or team (principal id without one); default none. */
  namespace: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('apiKey'), Type.Literal('principal'), Type.Literal('team')])),
  /** Identical requests in flight at once make one upstream call; default true. */
  coalesce: Type.Optional(Type.Boolean()),
  /** Longest a coalesced request waits for the first one before calling upstream itself (ms, default 60000). */
  coalesceTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
};

const SharedCacheOptionsSchema = Type.Object(sharedCacheOptions);
export type SharedCacheOptions = Static<typeof SharedCacheOptionsSchema>;

/** The shared options with their defaults applied. */
export interface CachePolicy {
  readonly ttlSeconds: number;
  readonly maxTtlSeconds: number;
  readonly models: ReadonlySet<string> | undefined;
  readonly operations: ReadonlySet<Operation>;
  readonly deterministicOnly: boolean;
  readonly maxEntryBytes: number;
  readonly namespace: 'none' | 'apiKey' | 'principal' | 'team';
  readonly coalesce: boolean;
  readonly coalesceTimeoutMs: number;
}

export function cachePolicy(options: SharedCacheOptions): CachePolicy {
  const ttlSeconds = options.ttlSeconds ?? 3600;
  return Object.freeze({
    ttlSeconds,
    maxTtlSeconds: Math.max(options.maxTtlSeconds ?? 86_400, ttlSeconds),
    models: options.models === undefined ? undefined : new Set(options.models),
    operations: new Set<Operation>(options.operations ?? ['chat', 'completions', 'embeddings']),
    deterministicOnly: options.mode === 'deterministic',
    maxEntryBytes: options.maxEntryBytes ?? 1024 * 1024,
    namespace: options.namespace ?? 'none',
    coalesce: options.coalesce ?? true,
    coalesceTimeoutMs: options.coalesceTimeoutMs ?? 60_000,
  });
}
