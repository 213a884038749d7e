import type { IncomingHttpHeaders } from 'node:http';
import { invalidRequest } from 'switchyard';
import type { CachePolicy } from './options.ts';

/** What the client asked of the cache for one request. */
export interface CacheControls {
  /** Answer from the cache if possible (false for `no-cache`, `no-store`, `max-age=0`). */
  readonly lookup: boolean;
  /** Keep the answer (false for `no-store`). */
  readonly store: boolean;
  /** Entry lifetime if this request stores, within the configured bound. */
  readonly ttlSeconds: number;
  /** Oldest entry the client accepts (`Cache-Control: max-age`), seconds; undefined: any. */
  readonly maxAgeSeconds: number | undefined;
}

export const ttlHeader = 'x-switchyard-cache-ttl';

const defaultsFor = new WeakMap<CachePolicy, CacheControls>();

function seconds(raw: string, name: string): number {
  if (!/^\d{1,10}$/.test(raw.trim())) {
    throw invalidRequest(`${name} must be a whole number of seconds`, name, 'invalid_cache_control');
  }
  return Number(raw.trim());
}

/**
 * Reads `Cache-Control` (`no-cache`, `no-store`, `max-age=N`) and `x-switchyard-cache-ttl: N`.
 * A ttl above `maxTtlSeconds` is cut to it: a ttl is an upper bound anyway (an entry may be
 * evicted earlier), so the cut changes no answer. A malformed value is a 400.
 */
export function cacheControls(headers: IncomingHttpHeaders, policy: CachePolicy): CacheControls {
  const cacheControl = headers['cache-control'];
  const ttlRaw = headers[ttlHeader];
  if (cacheControl === undefined && ttlRaw === undefined) {
    let base = defaultsFor.get(policy);
    if (base === undefined) {
      base = Object.freeze({ lookup: true, store: true, ttlSeconds: policy.ttlSeconds, maxAgeSeconds: undefined });
      defaultsFor.set(policy, base);
    }
    return base;
  }
  let lookup = true;
  let store = true;
  let maxAgeSeconds: number | undefined;
  for (const part of (cacheControl ?? '').toLowerCase().split(',')) {
    const directive = part.trim();
    if (directive === 'no-cache') lookup = false;
    else if (directive === 'no-store') lookup = store = false;
    else if (directive.startsWith('max-age=')) maxAgeSeconds = seconds(directive.slice(8), 'cache-control');
  }
  let ttlSeconds = policy.ttlSeconds;
  if (typeof ttlRaw === 'string') ttlSeconds = seconds(ttlRaw, ttlHeader);
  else if (maxAgeSeconds !== undefined && maxAgeSeconds > 0) ttlSeconds = maxAgeSeconds;
  if (ttlSeconds === 0) store = false;
  // max-age=0: nothing cached is fresh enough, so this is `no-cache`.
  if (maxAgeSeconds === 0) lookup = false;
  return { lookup, store, ttlSeconds: Math.min(ttlSeconds, policy.maxTtlSeconds), maxAgeSeconds };
}
