/** Requests seen by this instance: totals and the last minute, second by second. */
export interface RequestRateSnapshot {
  /** Model calls answered since start-up. */
  readonly total: number;
  readonly failed_total: number;
  /** Calls in the last 60 seconds, the current one included (a call is counted as soon as it ends). */
  readonly last_minute: number;
  readonly failed_last_minute: number;
  /** Calls per second over the 60 whole seconds before the current one (still filling), oldest first. */
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
    let calls = 0;
    let failed = 0;
    for (let second = current - SECONDS; second <= current; second += 1) {
      const slot = second % (SECONDS + 1);
      const held = this.#second[slot] === second;
      const n = held ? (this.#calls[slot] as number) : 0;
      if (second < current) perSecond.push(n);
      if (second > current - SECONDS) {
        calls += n;
        if (held) failed += this.#failed[slot] as number;
      }
    }
    return { total: this.#total, failed_total: this.#failedTotal, last_minute: calls, failed_last_minute: failed, per_second: perSecond };
  }
}

/** Most deployments tracked: `provider/model` names called directly could otherwise grow without end. */
const MAX_DEPLOYMENTS = 1_000;

/** Upstream attempts per deployment over the last minute, as this instance made them. */
export class DeploymentRates {
  readonly #rates = new Map<string, RequestRate>();

  /** Counts one attempt on `id` that ended at `nowMs`. */
  record(id: string, nowMs: number, failed: boolean): void {
    let rate = this.#rates.get(id);
    if (rate === undefined) {
      if (this.#rates.size >= MAX_DEPLOYMENTS) this.#rates.clear();
      rate = new RequestRate();
      this.#rates.set(id, rate);
    }
    rate.record(nowMs, failed);
  }

  /** Attempts and failed attempts on `id` in the last 60 seconds, the current one included. */
  lastMinute(id: string, nowMs: number): { readonly attempts: number; readonly failed: number } {
    const snap = this.#rates.get(id)?.snapshot(nowMs);
    return { attempts: snap?.last_minute ?? 0, failed: snap?.failed_last_minute ?? 0 };
  }
}
