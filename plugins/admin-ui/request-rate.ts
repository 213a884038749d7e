/** Requests seen by this instance: totals and the last minute, second by second. */
export interface RequestRateSnapshot {
  /** Model calls answered since start-up. */
  readonly total: number;
  readonly failed_total: number;
  /** Calls in the last 60 whole seconds (the current second left out: it is still filling). */
  readonly last_minute: number;
  readonly failed_last_minute: number;
  /** Calls per second over the last 60 whole seconds, oldest first. */
  readonly per_second: readonly number[];
}

const SECONDS = 60;

/**
 * A ring of per-second counts: `record` is two array writes (no allocation per request), and a
 * snapshot reads the last minute. Seconds nothing was recorded in read as 0, however long ago
 * the ring was last written.
 */
export class RequestRate {
  readonly #calls = new Array<number>(SECONDS + 1).fill(0);
  readonly #failed = new Array<number>(SECONDS + 1).fill(0);
  /** The epoch second each slot holds. */
  readonly #second = new Array<number>(SECONDS + 1).fill(-1);
  #total = 0;
  #failedTotal = 0;

  /** Counts one call that ended at `nowMs`. */
  record(nowMs: number, failed: boolean): void {
    const second = Math.floor(nowMs / 1000);
    const slot = second % (SECONDS + 1);
    if (this.#second[slot] !== second) {
      this.#second[slot] = second;
      this.#calls[slot] = 0;
      this.#failed[slot] = 0;
    }
    this.#calls[slot] = (this.#calls[slot] as number) + 1;
    this.#total += 1;
    if (failed) {
      this.#failed[slot] = (this.#failed[slot] as number) + 1;
      this.#failedTotal += 1;
    }
  }

  snapshot(nowMs: number): RequestRateSnapshot {
    const current = Math.floor(nowMs / 1000);
    const perSecond: number[] = [];
    let failed = 0;
    for (let second = current - SECONDS; second < current; second += 1) {
      const slot = second % (SECONDS + 1);
      const held = this.#second[slot] === second;
      perSecond.push(held ? (this.#calls[slot] as number) : 0);
      if (held) failed += this.#failed[slot] as number;
    }
    return {
      total: this.#total,
      failed_total: this.#failedTotal,
      last_minute: perSecond.reduce((a, b) => a + b, 0),
      failed_last_minute: failed,
      per_second: perSecond,
    };
  }
}
