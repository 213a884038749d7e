/**
 * A rolling window of buckets in process memory, the counterpart of the Redis hash the Lua script
 * keeps: bucket number -> count, buckets older than the window dropped when read.
 *
 * Read on every admission, so the passes use `Map.prototype.forEach` with module-level state: a
 * `for…of` over the entries allocates an `[bucket, count]` array per bucket (up to 60 a read,
 * the largest share of what an admission allocated in heap profiles). One thread runs them, and
 * no pass calls out, so the state is never shared by two passes at once.
 */
export class BucketWindow {
  readonly #counts = new Map<number, number>();
  #newest = -1;

  /** Sum over the live buckets (those >= oldest), dropping the rest; also finds the newest one. */
  sum(oldest: number): number {
    pass.oldest = oldest;
    pass.sum = 0;
    pass.newest = -1;
    this.#counts.forEach(sumBucket);
    this.#newest = pass.newest;
    return pass.sum;
  }

  /** The newest bucket with a count as of the last `sum` (later `add`s only move it forward), or -1. */
  newest(): number {
    return this.#newest;
  }

  /**
   * The first bucket whose leaving the window brings `used + add` within `limit`, or -1 when
   * even an empty window would not (add alone exceeds the limit). Call after `sum`. Refusals
   * only, so it may allocate.
   */
  freeingBucket(used: number, add: number, limit: number): number {
    const live = [...this.#counts.keys()].sort((a, b) => a - b);
    let left = used;
    for (const bucket of live) {
      left -= this.#counts.get(bucket) ?? 0;
      if (left + add <= limit) return bucket;
    }
    return -1;
  }

  add(bucket: number, n: number): void {
    const v = (this.#counts.get(bucket) ?? 0) + n;
    if (v <= 0) this.#counts.delete(bucket);
    else {
      this.#counts.set(bucket, v);
      if (bucket > this.#newest) this.#newest = bucket;
    }
  }

  get empty(): boolean {
    return this.#counts.size === 0;
  }
}

/** The running state of one `sum` pass (see the class comment). */
const pass = { oldest: 0, sum: 0, newest: -1 };

function sumBucket(count: number, bucket: number, counts: Map<number, number>): void {
  if (bucket < pass.oldest) {
    // Deleting the visited entry during forEach is allowed and does not skip the next one.
    counts.delete(bucket);
    return;
  }
  pass.sum += count;
  if (bucket > pass.newest) pass.newest = bucket;
}
