import { Agent, errors as undiciErrors } from 'undici';
import { clientClosed, GatewayError, upstreamTimeout, upstreamUnreachable } from '../errors.ts';
import { upstreamTimeoutDefaults } from './timeouts.ts';

/**
 * One pooled keep-alive client for every upstream call of the process. Connections are reused
 * per origin; there is no per-origin cap, since providers rate-limit by key, not by socket.
 */
const defaultConnectTimeoutMs: number = upstreamTimeoutDefaults.connectMs;
/** One agent per connect timeout in use (normally one): undici sets it per agent, not per request. */
const agents = new Map<number, Agent>();

export function upstreamAgent(connectTimeoutMs = defaultConnectTimeoutMs): Agent {
  let agent = agents.get(connectTimeoutMs);
  if (agent === undefined) {
    agent = new Agent({
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      connect: { timeout: connectTimeoutMs },
      pipelining: 1,
    });
    agents.set(connectTimeoutMs, agent);
  }
  return agent;
}

/** Closes the pooled sockets (on shutdown). */
export async function closeUpstreamAgent(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((a) => a.close()));
}

export interface UpstreamCall {
  /** Provider id, for error messages. */
  readonly provider: string;
  readonly url: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer | Uint8Array | AsyncIterable<Buffer> | undefined;
  /** The client's signal: when it aborts, the upstream request is torn down. */
  readonly signal: AbortSignal;
  /** Longest wait for response headers, and longest silence between body chunks, in ms. */
  readonly timeoutMs: number;
  /** Longest silence between body chunks, when it differs from `timeoutMs`. */
  readonly idleTimeoutMs?: number | undefined;
  readonly connectTimeoutMs?: number | undefined;
  /**
   * Longest whole call, body included, enforced by the call's own handler (one timer, no signal
   * or closure per call). Deployments with their own deadline use `withDeadline` on `signal`.
   */
  readonly totalTimeoutMs?: number | undefined;
}

/** Maps a transport failure (not an HTTP status) to a GatewayError. */
export function upstreamFailure(err: unknown, call: Pick<UpstreamCall, 'provider' | 'signal' | 'timeoutMs'>): GatewayError {
  if (err instanceof GatewayError) return err;
  // A deadline (AbortSignal.timeout) is ours, not the client's going away.
  if (call.signal.aborted) return isTimeout(call.signal.reason) ? upstreamTimeout(call.provider, call.timeoutMs) : clientClosed();
  if (isTimeout(err)) return upstreamTimeout(call.provider, call.timeoutMs);
  if (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError
  ) {
    return upstreamTimeout(call.provider, call.timeoutMs);
  }
  return upstreamUnreachable(call.provider, err);
}

function isTimeout(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError';
}

interface DeadlineTimer {
  readonly timer: NodeJS.Timeout;
  readonly source: AbortSignal;
  readonly onAbort: () => void;
}
/** Deadline timers by the signal they bound, so `clearDeadline` can stop them when the call ends. */
const deadlines = new WeakMap<AbortSignal, DeadlineTimer>();

/**
 * The client's signal, bounded by a whole-call deadline when one is set (nothing is allocated
 * otherwise). A client abort passes its reason through; the deadline aborts with a
 * `TimeoutError`. Call `clearDeadline` when the call is over, so no timer outlives its request.
 */
export function withDeadline(signal: AbortSignal, totalMs: number | undefined): AbortSignal {
  if (totalMs === undefined || signal.aborted) return signal;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException('upstream call deadline passed', 'TimeoutError')), totalMs);
  timer.unref();
  deadlines.set(controller.signal, { timer, source: signal, onAbort });
  return controller.signal;
}

/** Stops the deadline behind `signal`, if it has one. */
export function clearDeadline(signal: AbortSignal): void {
  const deadline = deadlines.get(signal);
  if (deadline === undefined) return;
  deadlines.delete(signal);
  clearTimeout(deadline.timer);
  deadline.source.removeEventListener('abort', deadline.onAbort);
}
