import { LRUCache } from 'lru-cache';
import type { ReadinessReport } from 'switchyard';
import type { CacheBackend } from '../shared/backend.ts';

export interface MemoryBackendOptions {
  /** Total size of keys and values, in bytes. */
  readonly maxBytes: number;
  readonly maxEntries: number;
}

const ok: ReadinessReport = Object.freeze({ status: 'ok' });

/**
 * Entries in this process, least recently used evicted first when either bound is reached.
 * Lifetimes are checked on read (no timers).
 */
export class MemoryBackend implements CacheBackend {
  readonly kind = 'memory';
  readonly #lru: LRUCache<string, string>;

  constructor(options: MemoryBackendOptions) {
    this.#lru = new LRUCache<string, string>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      // UTF-8 bytes of the value plus the key: close to what the entry costs, computed once per set.
      sizeCalculation: (value, key) => Buffer.byteLength(value) + key.length,
    });
  }

  /** Entries and bytes held (tests, diagnostics). */
  get stats(): { entries: number; bytes: number } {
    return { entries: this.#lru.size, bytes: this.#lru.calculatedSize };
  }

  async get(key: string): Promise<string | undefined> {
    return this.#lru.get(key);
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    return keys.map((key) => this.#lru.get(key));
  }

  async set(entries: readonly (readonly [string, string])[], ttlSeconds: number): Promise<void> {
    const ttl = ttlSeconds * 1000;
    // An entry larger than the whole cache is refused by lru-cache; it stays a miss.
    for (const [key, value] of entries) this.#lru.set(key, value, { ttl });
  }

  readiness(): ReadinessReport {
    return ok;
  }

  async close(): Promise<void> {
    this.#lru.clear();
  }
}
