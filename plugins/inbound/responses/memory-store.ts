import { LRUCache } from 'lru-cache';
import type { ResponseStore, StoredResponse } from './store.ts';

export interface MemoryResponseStoreOptions {
  /** Most records held (default 10 000). */
  readonly maxEntries?: number;
  /** Total size of the records as JSON, in bytes (default 64 MiB). */
  readonly maxBytes?: number;
}

/**
 * Records in this process, least recently used evicted first when either bound is reached, each
 * expiring after its ttl (checked on read, no timers). Kept as JSON text: the size bound is real,
 * and a caller mutating what it put or got cannot change what is stored.
 */
export class MemoryResponseStore implements ResponseStore {
  readonly #lru: LRUCache<string, string>;

  constructor(options: MemoryResponseStoreOptions = {}) {
    this.#lru = new LRUCache<string, string>({
      max: options.maxEntries ?? 10_000,
      maxSize: options.maxBytes ?? 64 * 1024 * 1024,
      sizeCalculation: (value, key) => Buffer.byteLength(value) + key.length,
      // The clock read on each lookup, not cached behind a new timer each millisecond (lru-cache's default).
      ttlResolution: 0,
    });
  }

  async put(record: StoredResponse, ttlSeconds: number): Promise<void> {
    // A record larger than the whole store is refused by lru-cache; a follow-up then gets a 400.
    this.#lru.set(record.response.id, JSON.stringify(record), { ttl: ttlSeconds * 1000 });
  }

  async get(id: string): Promise<StoredResponse | undefined> {
    const text = this.#lru.get(id);
    return text === undefined ? undefined : (JSON.parse(text) as StoredResponse);
  }

  async delete(id: string): Promise<boolean> {
    return this.#lru.delete(id);
  }

  async close(): Promise<void> {
    this.#lru.clear();
  }
}
