import type { Clock, Deployment, SharedState, StreamEvent } from 'switchyard';

export interface Tracking {
  readonly state: SharedState;
  readonly clock: Clock;
  readonly alpha: number;
  readonly inFlightTtlMs: number;
  /** Called once when a stream fails after its first event (it cannot be retried any more). */
  readonly onStreamError: (target: Deployment, err: unknown) => void;
}

const ignore = (): void => undefined;

/** Ends a call's bookkeeping: releases its in-flight slot, records latency and tokens. */
export function finishCall(t: Tracking, target: Deployment, startedAt: number, tokens: number | undefined): void {
  const now = t.clock.now();
  void t.state.release(target.id, t.inFlightTtlMs).catch(ignore);
  void t.state.recordLatency(target.id, 'total', now - startedAt, t.alpha).catch(ignore);
  if (tokens !== undefined && tokens > 0) void t.state.addUsage(target.id, now, 0, tokens).catch(ignore);
}

/**
 * A stream passed through untouched, watched for its end: then the in-flight slot is released
 * and the whole-call latency and the tokens (from the usage chunk, if any) are recorded.
 * One object per stream, no per-chunk allocation.
 */
export class TrackedStream implements AsyncIterable<StreamEvent>, AsyncIterator<StreamEvent> {
  readonly #source: AsyncIterator<StreamEvent>;
  readonly #t: Tracking;
  readonly #target: Deployment;
  readonly #startedAt: number;
  #tokens: number | undefined;
  #done = false;

  constructor(source: AsyncIterable<StreamEvent>, t: Tracking, target: Deployment, startedAt: number) {
    this.#source = source[Symbol.asyncIterator]();
    this.#t = t;
    this.#target = target;
    this.#startedAt = startedAt;
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamEvent> {
    return this;
  }

  async next(): Promise<IteratorResult<StreamEvent>> {
    let result: IteratorResult<StreamEvent>;
    try {
      result = await this.#source.next();
    } catch (err) {
      this.#finish();
      this.#t.onStreamError(this.#target, err);
      throw err;
    }
    if (result.done) this.#finish();
    else {
      const usage = (result.value.chunk as { usage?: { total_tokens?: number } | null }).usage;
      if (usage != null && typeof usage.total_tokens === 'number') this.#tokens = usage.total_tokens;
    }
    return result;
  }

  async return(): Promise<IteratorResult<StreamEvent>> {
    this.#finish();
    await this.#source.return?.();
    return { done: true, value: undefined };
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    finishCall(this.#t, this.#target, this.#startedAt, this.#tokens);
  }
}
