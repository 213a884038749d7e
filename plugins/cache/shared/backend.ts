import type { ReadinessReport } from 'switchyard';

/**
 * Where entries live. Values are opaque strings (the plugin encodes them); a backend may
 * compress. Reads and writes never throw for an unreachable store: a read answers `undefined`
 * (a miss), a write is dropped; the backend reports the trouble itself (log, readiness).
 */
export interface CacheBackend {
  /** Short name for logs and readiness: `memory`, `redis`. */
  readonly kind: string;
  get(key: string): Promise<string | undefined>;
  /** One round trip for several keys (embeddings batches); answers in the keys' order. */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  /** Stores entries with one lifetime; one round trip where the store allows. */
  set(entries: readonly (readonly [key: string, value: string])[], ttlSeconds: number): Promise<void>;
  /** Awaited at set-up (e.g. a first connection); must settle even when the store is down. */
  start?(): Promise<void>;
  readiness(): ReadinessReport;
  close(): Promise<void>;
}
