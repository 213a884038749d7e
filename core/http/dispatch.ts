import { errors as undiciErrors } from 'undici';
import type { Dispatcher } from 'undici';
import { upstreamTimeout } from '../errors.ts';
import { upstreamAgent, type UpstreamCall } from './upstream.ts';

/**
 * What every upstream call through `Dispatcher.dispatch()` shares: the dispatch itself, with
 * undici's own per-request timeouts (connect on the agent, headers, idle body), and the call torn
 * down when its signal (the client's, bounded by the deadline) aborts. undici's handler interface
 * (onConnect/onHeaders/onData/onComplete/onError), one object per call holding all its state; it
 * is also the abort listener (`handleEvent`), so no closure is made per call.
 */
export abstract class DispatchedCall implements Dispatcher.DispatchHandler {
  protected readonly call: UpstreamCall;
  /** Set once the call has completed, failed or been given up: later callbacks are ignored. */
  protected done = false;
  #abort: ((reason?: Error) => void) | undefined = undefined;
  #reason: Error | undefined = undefined;
  /** The whole-call deadline (`totalTimeoutMs`), cleared when the call settles. */
  #deadline: NodeJS.Timeout | undefined = undefined;

  constructor(call: UpstreamCall) {
    this.call = call;
    const signal = call.signal;
    if (signal.aborted) this.#reason = abortReason(signal);
    else signal.addEventListener('abort', this, { once: true });
  }

  /** Sends the request; the handler methods report what comes back. */
  dispatch(): void {
    const call = this.call;
    if (call.totalTimeoutMs !== undefined && !this.done) {
      // `this` goes in as the timer's argument: no closure per call.
      this.#deadline = setTimeout(expire, call.totalTimeoutMs, this);
      this.#deadline.unref();
    }
    const target = splitUrl(call.url);
    upstreamAgent(call.connectTimeoutMs).dispatch(
      {
        origin: target.origin,
        path: target.path,
        method: call.method,
        headers: call.headers,
        // undici's types omit async iterables, which its HTTP/1 client writes (a forwarded upload).
        body: (call.body ?? null) as Dispatcher.DispatchOptions['body'],
        headersTimeout: call.timeoutMs,
        bodyTimeout: call.idleTimeoutMs ?? call.timeoutMs,
      },
      this,
    );
  }

  /** The signal's abort: tear the call down with its reason. */
  handleEvent(): void {
    this.abortCall(abortReason(this.call.signal));
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.#reason !== undefined) abort(this.#reason);
    else this.#abort = abort;
  }

  /** Tears the upstream request down (its socket is closed, not reused); undici then calls `onError`. */
  protected abortCall(reason: Error): void {
    this.#reason ??= reason;
    this.#abort?.(reason);
  }

  /** The call is over: later callbacks are ignored and the signal is let go. */
  protected settle(): void {
    this.done = true;
    this.call.signal.removeEventListener('abort', this);
    if (this.#deadline !== undefined) {
      clearTimeout(this.#deadline);
      this.#deadline = undefined;
    }
  }

  /** The whole-call deadline passed: tear the call down as a timeout (a 504, retryable). */
  expire(): void {
    if (this.done) return;
    // A GatewayError passes upstreamFailure as is: the message names the limit that passed.
    this.abortCall(upstreamTimeout(this.call.provider, this.call.totalTimeoutMs ?? 0));
  }
}

function expire(call: DispatchedCall): void {
  call.expire();
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

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new undiciErrors.RequestAbortedError();
}
