/**
 * A rolling window of buckets in process memory, the counterpart of the Redis hash the Lua script
 * keeps: bucket number -> count, buckets older than the window dropped when read.
 */
export class BucketWindow {
  readonly #counts = new Map<number, number>();

  /** Sum over the live buckets (those >= oldest), dropping the rest. */
  sum(oldest: number): number {
    let sum = 0;
    for (const [bucket, count] of this.#counts) {
      if (bucket < oldest) this.#counts.delete(bucket);
      else sum += count;
    }
    return sum;
  }

  /** The newest bucket with a count, or -1. Call after `sum` (which drops the stale ones). */
  newest(): number {
    let newest = -1;
    for (const bucket of this.#counts.keys()) if (bucket > newest) newest = bucket;
    return newest;
  }

  /**
   * The first bucket whose leaving the window brings `used + add` within `limit`, or -1 when
   * even an empty window would not (add alone exceeds the limit).
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
    else this.#counts.set(bucket, v);
  }

  get empty(): boolean {
    return this.#counts.size === 0;
  }
}
