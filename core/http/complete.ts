import type { IncomingHttpHeaders } from 'node:http';
import { errors as undiciErrors, util as undiciUtil } from 'undici';
import type { Dispatcher } from 'undici';
import { upstreamAgent, upstreamFailure, type UpstreamCall } from './upstream.ts';

/** A whole upstream answer, gathered without a response stream. */
export interface UpstreamAnswer {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly bytes: Buffer;
}

/** The largest upstream body read whole (as `readBody`'s default). */
export const defaultBodyLimit = 256 * 1024 * 1024;

/**
 * A non-streamed upstream call through `Dispatcher.dispatch()`: the status, headers and whole
 * body in one promise. undici's `request()` builds a `RequestHandler` (an AsyncResource) and a
 * `BodyReadable` stream per call, which a body read at once does not need. The timeouts are
 * undici's own per-request ones, as with `request()` (connect on the agent, headers, idle body);
 * the signal (the client's, bounded by the deadline) aborts the call; past `limit` bytes the
 * call is aborted and fails as `readBody` does; every failure goes through `upstreamFailure`.
 */
export function callUpstreamComplete(call: UpstreamCall, limit = defaultBodyLimit): Promise<UpstreamAnswer> {
  return new Promise<UpstreamAnswer>((resolve, reject) => {
    const handler = new CompleteHandler(call, limit, resolve, reject);
    const target = splitUrl(call.url);
    upstreamAgent(call.connectTimeoutMs).dispatch(
      {
        origin: target.origin,
        path: target.path,
        method: call.method,
        headers: call.headers,
        body: call.body ?? null,
        headersTimeout: call.timeoutMs,
        bodyTimeout: call.idleTimeoutMs ?? call.timeoutMs,
      },
      handler,
    );
  });
}

/** Origin and path per URL string: a process calls a handful of URLs, so they are split once. */
const splitUrls = new Map<string, { origin: string; path: string }>();
function splitUrl(url: string): { origin: string; path: string } {
  let split = splitUrls.get(url);
  if (split === undefined) {
    const parsed = new URL(url);
    split = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    // Bounded: URLs with per-call parts (a query string, say) must not grow it forever.
    if (splitUrls.size >= 256) splitUrls.clear();
    splitUrls.set(url, split);
  }
  return split;
}

/**
 * undici's handler interface (onConnect/onHeaders/onData/onComplete/onError), one object per
 * call holding all its state; it is also the abort listener (`handleEvent`), so no closure is made.
 */
class CompleteHandler implements Dispatcher.DispatchHandler {
  readonly #call: UpstreamCall;
  readonly #limit: number;
  readonly #resolve: (answer: UpstreamAnswer) => void;
  readonly #reject: (err: unknown) => void;
  #abort: ((reason?: Error) => void) | undefined = undefined;
  #reason: Error | undefined = undefined;
  #statusCode = 0;
  #headers: IncomingHttpHeaders = {};
  #first: Buffer | undefined = undefined;
  #parts: Buffer[] | undefined = undefined;
  #size = 0;
  #done = false;

  constructor(call: UpstreamCall, limit: number, resolve: (answer: UpstreamAnswer) => void, reject: (err: unknown) => void) {
    this.#call = call;
    this.#limit = limit;
    this.#resolve = resolve;
    this.#reject = reject;
    const signal = call.signal;
    if (signal.aborted) this.#reason = abortReason(signal);
    else signal.addEventListener('abort', this, { once: true });
  }

  /** The signal's abort: tear the call down with its reason. */
  handleEvent(): void {
    this.#reason = abortReason(this.#call.signal);
    this.#abort?.(this.#reason);
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.#reason !== undefined) abort(this.#reason);
    else this.#abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200) return true;
    this.#statusCode = statusCode;
    this.#headers = undiciUtil.parseHeaders(rawHeaders) as IncomingHttpHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#size += chunk.length;
    if (this.#size > this.#limit) {
      this.#abort?.(new Error(`upstream body over ${this.#limit} bytes`));
      return false;
    }
    if (this.#first === undefined) this.#first = chunk;
    else (this.#parts ??= [this.#first]).push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.#done) return;
    this.#settle();
    const bytes = this.#parts !== undefined ? Buffer.concat(this.#parts, this.#size) : (this.#first ?? Buffer.alloc(0));
    this.#resolve({ statusCode: this.#statusCode, headers: this.#headers, bytes });
  }

  onError(err: Error): void {
    if (this.#done) return;
    this.#settle();
    this.#reject(upstreamFailure(err, this.#call));
  }

  #settle(): void {
    this.#done = true;
    this.#call.signal.removeEventListener('abort', this);
  }
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new undiciErrors.RequestAbortedError();
}
