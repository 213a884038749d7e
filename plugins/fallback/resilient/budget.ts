/**
 * A retry budget per model group: over each window, retries may add at most `ratio` of the
 * group's requests (plus `minRetries`), so an outage does not multiply traffic to a provider
 * that is already failing. Per gateway instance.
 */
export class RetryBudget {
  readonly #windowMs: number;
  readonly #windows = new Map<string, { start: number; requests: number; retries: number }>();

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  #window(group: string, now: number): { start: number; requests: number; retries: number } {
    const start = now - (now % this.#windowMs);
    let w = this.#windows.get(group);
    if (w === undefined || w.start !== start) {
      w = { start, requests: 0, retries: 0 };
      this.#windows.set(group, w);
    }
    return w;
  }

  /** Counts a request entering the call stage. */
  request(group: string, now: number): void {
    this.#window(group, now).requests++;
  }

  /** Takes one retry if the budget allows it. */
  take(group: string, now: number, ratio: number, minRetries: number): boolean {
    const w = this.#window(group, now);
    if (w.retries >= minRetries + ratio * w.requests) return false;
    w.retries++;
    return true;
  }
}
