import { LRUCache } from 'lru-cache';

/** A cached lookup: the row, or `null` when the store has none (so unknown keys cost no read either). */
interface Entry<R> {
  readonly row: R | null;
}

export interface RecordCacheOptions<R> {
  /** Reads one record from the durable store. */
  readonly load: (id: string) => Promise<R | undefined>;
  /** How long a record is trusted without an invalidation, ms. */
  readonly ttlMs: number;
  readonly max: number;
}

/**
 * Key or team records held per instance, so a request costs no database read. Every change made
 * through the admin API (on any instance, through Redis pub/sub) calls `invalidate`, so a
 * deleted, blocked or updated key stops working everywhere within the invalidation's delivery
 * time; the TTL only bounds how long a lost message could matter.
 *
 * A read that started before an invalidation never stores its (possibly stale) row afterwards:
 * each id has a generation, bumped by `invalidate`, and a load stores its result only if the
 * generation it began under is still current. (LiteLLM's cache re-activated deleted keys this way.)
 */
export class RecordCache<R> {
  readonly #cache: LRUCache<string, Entry<R>>;
  readonly #load: (id: string) => Promise<R | undefined>;
  /** Bumped per id by `invalidate`; ids never invalidated are absent (generation 0). */
  readonly #generations = new Map<string, number>();
  /** One store read per id at a time, whoever asks. */
  readonly #loading = new Map<string, Promise<R | null>>();
  /** Bumped by `invalidateAll`, for messages that name no id. */
  #epoch = 0;

  constructor(options: RecordCacheOptions<R>) {
    // ttlResolution 0: read the clock on each lookup. lru-cache's default (1 ms) caches it behind
    // a new unref'd setTimeout each millisecond, a timer per call at a few thousand calls a second.
    this.#cache = new LRUCache<string, Entry<R>>({ max: options.max, ttl: options.ttlMs, ttlResolution: 0 });
    this.#load = options.load;
  }

  /** The record, from memory when it is there; `undefined` when the store has none. */
  get(id: string): Promise<R | undefined> | R | undefined {
    const hit = this.#cache.get(id);
    if (hit !== undefined) return hit.row ?? undefined;
    return this.#fetch(id);
  }

  async #fetch(id: string): Promise<R | undefined> {
    let loading = this.#loading.get(id);
    if (loading === undefined) {
      const generation = this.#generations.get(id) ?? 0;
      const epoch = this.#epoch;
      loading = this.#load(id).then(
        (row) => {
          const entry: Entry<R> = { row: row ?? null };
          if ((this.#generations.get(id) ?? 0) === generation && this.#epoch === epoch) this.#cache.set(id, entry);
          return entry.row;
        },
      );
      const settle = (): void => void this.#loading.delete(id);
      loading.then(settle, settle);
      this.#loading.set(id, loading);
    }
    return (await loading) ?? undefined;
  }

  /** Drops the ids now and makes reads already under way forget what they find. */
  invalidate(ids: readonly string[]): void {
    for (const id of ids) {
      this.#cache.delete(id);
      this.#loading.delete(id);
      this.#generations.set(id, (this.#generations.get(id) ?? 0) + 1);
    }
    // Generations matter only to reads started before the bump, and reads are short: the map is
    // bounded by clearing it, with a new epoch so no read under way can store what it finds.
    if (this.#generations.size > 100_000) {
      this.#generations.clear();
      this.#epoch++;
    }
  }

  /** Forgets everything (a lost pub/sub connection: changes may have been missed). */
  invalidateAll(): void {
    this.#cache.clear();
    this.#loading.clear();
    this.#epoch++;
  }
}
