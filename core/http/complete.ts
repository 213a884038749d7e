import type { IncomingHttpHeaders } from 'node:http';
import { util as undiciUtil } from 'undici';
import { answerTooLarge, type AnswerLease } from './answer-budget.ts';
import { DispatchedCall } from './dispatch.ts';
import { upstreamFailure, type UpstreamCall } from './upstream.ts';

/** A whole upstream answer, gathered without a response stream. */
export interface UpstreamAnswer {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  /** The body; empty for an error status whose body was over `errorBodyLimit` (not read). */
  readonly bytes: Buffer;
}

/** The largest upstream body read whole. */
export const defaultBodyLimit = 256 * 1024 * 1024;
/** The largest error body read: an error status with more is answered from its status alone. */
export const errorBodyLimit = 1024 * 1024;

/**
 * A non-streamed upstream call through `Dispatcher.dispatch()`: the status, headers and whole
 * body in one promise. undici's `request()` builds a `RequestHandler` (an AsyncResource) and a
 * `BodyReadable` stream per call, which a body read at once does not need. Past `limit` bytes the
 * call is aborted and fails; an error status's body past `errorBodyLimit` is dropped instead (the
 * call aborted, the answer's bytes empty). Every failure goes through `upstreamFailure`.
 */
export function callUpstreamComplete(call: UpstreamCall, limit = defaultBodyLimit, lease?: AnswerLease): Promise<UpstreamAnswer> {
  return new Promise<UpstreamAnswer>((resolve, reject) => {
    new CompleteHandler(call, limit, lease, resolve, reject).dispatch();
  });
}

class CompleteHandler extends DispatchedCall {
  #limit: number;
  /** The request's share of the answer-buffer budget, charged per chunk of a success answer. */
  readonly #lease: AnswerLease | undefined;
  #charged = 0;
  readonly #resolve: (answer: UpstreamAnswer) => void;
  readonly #reject: (err: unknown) => void;
  #statusCode = 0;
  #headers: IncomingHttpHeaders = {};
  #first: Buffer | undefined = undefined;
  #parts: Buffer[] | undefined = undefined;
  #size = 0;

  constructor(
    call: UpstreamCall,
    limit: number,
    lease: AnswerLease | undefined,
    resolve: (answer: UpstreamAnswer) => void,
    reject: (err: unknown) => void,
  ) {
    super(call);
    this.#limit = limit;
    this.#lease = lease;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200) return true;
    this.#statusCode = statusCode;
    this.#headers = undiciUtil.parseHeaders(rawHeaders) as IncomingHttpHeaders;
    if (statusCode >= 400 && errorBodyLimit < this.#limit) this.#limit = errorBodyLimit;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#size += chunk.length;
    if (this.#size > this.#limit) {
      if (this.#statusCode >= 400) {
        // The status says what went wrong; an error page this large is not worth reading on.
        this.settle();
        this.abortCall(new Error(`upstream error body over ${this.#limit} bytes`));
        this.#resolve({ statusCode: this.#statusCode, headers: this.#headers, bytes: Buffer.alloc(0) });
      } else {
        this.abortCall(new Error(`upstream body over ${this.#limit} bytes`));
      }
      return false;
    }
    const lease = this.#lease;
    if (lease !== undefined && this.#statusCode < 400) {
      if (!lease.charge(chunk.length)) {
        this.abortCall(answerTooLarge(this.call.provider));
        return false;
      }
      this.#charged += chunk.length;
    }
    if (this.#first === undefined) this.#first = chunk;
    else (this.#parts ??= [this.#first]).push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.done) return;
    this.settle();
    const bytes = this.#parts !== undefined ? Buffer.concat(this.#parts, this.#size) : (this.#first ?? Buffer.alloc(0));
    this.#resolve({ statusCode: this.#statusCode, headers: this.#headers, bytes });
  }

  onError(err: Error): void {
    if (this.done) return;
    this.settle();
    // What was read is dropped: it no longer counts against the budget.
    this.#lease?.refund(this.#charged);
    this.#reject(upstreamFailure(err, this.call));
  }
}
