import type { Logger } from 'switchyard';

/**
 * A warning at most once per interval: a dead Redis fails every request, and one line per
 * request would drown the log. The next line says how many were held back.
 */
export class RateLimitedWarning {
  readonly #log: Logger;
  readonly #intervalMs: number;
  #last = Number.NEGATIVE_INFINITY;
  #suppressed = 0;

  constructor(log: Logger, intervalMs: number) {
    this.#log = log;
    this.#intervalMs = intervalMs;
  }

  warn(err: unknown, message: string): void {
    const now = performance.now();
    if (now - this.#last < this.#intervalMs) {
      this.#suppressed++;
      return;
    }
    this.#last = now;
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    this.#log.warn({ err: err instanceof Error ? err.message : String(err), suppressed }, message);
  }
}
