import type { IncomingHttpHeaders } from 'node:http';
import { errors as undiciErrors, util as undiciUtil } from 'undici';
import type { GatewayError } from '../errors.ts';
import type { AnswerLease } from './answer-budget.ts';
import { DispatchedCall } from './dispatch.ts';
import { upstreamFailure, type UpstreamCall } from './upstream.ts';

/**
 * A streamed upstream body: its chunks as they arrive, read once with `for await` (or `next()`).
 * A failure (reset, idle timeout, the call's signal aborting) is thrown as a GatewayError once the
 * chunks that came before it are read. `return()` (a `for await` left early) and `destroy()` tear
 * the upstream request down.
 */
export interface UpstreamBody extends AsyncIterableIterator<Buffer> {
  return(): Promise<IteratorResult<Buffer, undefined>>;
  /** Stops the call if it still runs (its socket is closed, not reused); a pending read fails. */
  destroy(): void;
}

/** A streamed upstream answer, as soon as its headers are in. */
export interface UpstreamStream {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: UpstreamBody;
  /**
   * With `callUpstreamCollected`: the whole body, when it ended within the collect limit (`body`
   * is then read out). Undefined when the answer is larger: `body` yields it from the start.
   */
  readonly whole?: Buffer | undefined;
}

/** How much of a success answer to read whole before handing it on as a stream. */
export interface CollectLimit {
  readonly lease: AnswerLease;
  readonly bytes: number;
}

/**
 * Unread bytes held before the upstream socket is paused (undici's `BodyReadable` default): a
 * consumer slower than its upstream holds at most about this much, the rest stays in the kernel.
 */
const highWaterMark = 64 * 1024;

const ended: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * A streamed upstream call through `Dispatcher.dispatch()`, resolved when the response headers
 * arrive (any status: the caller maps error statuses). It replaces undici's `request()`, whose
 * `RequestHandler` (an AsyncResource), `BodyReadable` stream and that stream's async iterator sat
 * between the socket and the SSE parser: here one handler object per call is also the body, and
 * each chunk goes from `onData` straight to the waiting read. The timeouts, abort and error mapping
 * are those of `callUpstreamComplete`; failures before the headers reject the promise.
 */
export function callUpstreamStream(call: UpstreamCall): Promise<UpstreamStream> {
  return new Promise<UpstreamStream>((resolve, reject) => {
    new StreamHandler(call, undefined, resolve, reject).dispatch();
  });
}

/**
 * A non-streamed call that may be forwarded: a success answer is read whole (as
 * `callUpstreamComplete` does, no promise per chunk) while it stays within `limit.bytes` and the
 * lease's budget, and resolves with `whole`; a larger one resolves as soon as it passes the
 * limit, its body readable from the first byte with backpressure, so it can be passed on
 * without ever being held whole. An error status resolves at its headers, as a stream does.
 */
export function callUpstreamCollected(call: UpstreamCall, limit: CollectLimit): Promise<UpstreamStream> {
  return new Promise<UpstreamStream>((resolve, reject) => {
    new StreamHandler(call, limit, resolve, reject).dispatch();
  });
}

class StreamHandler extends DispatchedCall implements UpstreamBody {
  readonly #resolve: (stream: UpstreamStream) => void;
  readonly #reject: (err: unknown) => void;
  #resume: (() => void) | undefined = undefined;
  #started = false;
  /** Set while a success answer is being read whole (callUpstreamCollected). */
  #collect: CollectLimit | undefined;
  #statusCode = 0;
  #headers: IncomingHttpHeaders | undefined = undefined;
  /** Chunks arrived while no read was waiting, and their size in bytes. */
  #queue: Buffer[] = [];
  #queued = 0;
  #paused = false;
  /** The upstream finished (or the body was destroyed): reads past the queue end. */
  #ended = false;
  /** The failure to throw once the queue is read. */
  #failure: GatewayError | undefined = undefined;
  /** The read waiting for the next chunk, if any. */
  #wake: ((result: IteratorResult<Buffer, undefined>) => void) | undefined = undefined;
  #fail: ((err: unknown) => void) | undefined = undefined;

  constructor(
    call: UpstreamCall,
    collect: CollectLimit | undefined,
    resolve: (stream: UpstreamStream) => void,
    reject: (err: unknown) => void,
  ) {
    super(call);
    this.#collect = collect;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true;
    this.#resume = resume;
    const headers = undiciUtil.parseHeaders(rawHeaders) as IncomingHttpHeaders;
    if (this.#collect !== undefined && statusCode < 400) {
      this.#statusCode = statusCode;
      this.#headers = headers;
      return true;
    }
    this.#collect = undefined;
    this.#started = true;
    this.#resolve({ statusCode, headers, body: this });
    return true;
  }

  /** While collecting: keep the chunk, or, past the limit, hand the answer on as a stream. */
  #collectChunk(collect: CollectLimit, chunk: Buffer): boolean {
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (this.#queued <= collect.bytes && collect.lease.charge(chunk.length)) return true;
    // Too large to hold: it goes on as a stream, bounded by backpressure from here. What was
    // charged stays charged until the request ends: it is written to a client that may not read.
    this.#collect = undefined;
    this.#started = true;
    this.#paused = true;
    this.#resolve({ statusCode: this.#statusCode, headers: this.#headers as IncomingHttpHeaders, body: this });
    return false;
  }

  onData(chunk: Buffer): boolean {
    const collect = this.#collect;
    if (collect !== undefined) return this.#collectChunk(collect, chunk);
    const wake = this.#wake;
    if (wake !== undefined) {
      this.#wake = this.#fail = undefined;
      wake({ done: false, value: chunk });
      return true;
    }
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (this.#queued < highWaterMark) return true;
    // undici stops parsing (and its idle timer) until `resume`, called once the reads catch up.
    this.#paused = true;
    return false;
  }

  onComplete(): void {
    if (this.done) return;
    this.settle();
    this.#ended = true;
    if (this.#collect !== undefined) {
      this.#collect = undefined;
      const queue = this.#queue;
      const whole = queue.length === 1 ? (queue[0] as Buffer) : Buffer.concat(queue, this.#queued);
      this.#queue = [];
      this.#queued = 0;
      this.#started = true;
      this.#resolve({ statusCode: this.#statusCode, headers: this.#headers as IncomingHttpHeaders, body: this, whole });
      return;
    }
    const wake = this.#wake;
    if (wake === undefined) return;
    this.#wake = this.#fail = undefined;
    wake(ended);
  }

  onError(err: Error): void {
    if (this.done) return;
    this.settle();
    const failure = upstreamFailure(err, this.call);
    if (this.#collect !== undefined) {
      // The part read whole is dropped: it no longer counts against the budget.
      this.#collect.lease.refund(this.#queued);
      this.#collect = undefined;
      this.#queue = [];
      this.#queued = 0;
    }
    if (!this.#started) return this.#reject(failure);
    const fail = this.#fail;
    if (fail === undefined) {
      this.#failure = failure;
      return;
    }
    this.#wake = this.#fail = undefined;
    this.#ended = true;
    fail(failure);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Buffer, undefined>> {
    const queue = this.#queue;
    if (queue.length > 0) {
      const chunk = queue.shift() as Buffer;
      this.#queued -= chunk.length;
      if (this.#paused && this.#queued === 0) {
        this.#paused = false;
        // Runs the parser at once: its chunks queue up (or end the call) before this read returns.
        // A call that failed meanwhile has no parser to resume.
        if (!this.done) this.#resume?.();
      }
      return Promise.resolve({ done: false, value: chunk });
    }
    const failure = this.#failure;
    if (failure !== undefined) {
      this.#failure = undefined;
      this.#ended = true;
      return Promise.reject(failure);
    }
    if (this.#ended) return Promise.resolve(ended);
    if (this.#wake !== undefined) return Promise.reject(new Error('upstream body read twice at once'));
    return new Promise<IteratorResult<Buffer, undefined>>((resolve, reject) => {
      this.#wake = resolve;
      this.#fail = reject;
    });
  }

  return(): Promise<IteratorResult<Buffer, undefined>> {
    this.destroy();
    return Promise.resolve(ended);
  }

  destroy(): void {
    this.#queue = [];
    this.#queued = 0;
    this.#failure = undefined;
    this.#ended = true;
    if (this.done) return;
    this.settle();
    const fail = this.#fail;
    this.#wake = this.#fail = undefined;
    const reason = new undiciErrors.RequestAbortedError();
    this.abortCall(reason);
    // A read still waiting must not take the cut-off body for a whole one.
    fail?.(upstreamFailure(reason, this.call));
  }
}
