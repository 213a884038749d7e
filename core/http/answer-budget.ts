import { GatewayError } from '../errors.ts';

/** Limits on upstream answer bytes held in memory (whole non-streamed answers), in bytes. */
export interface AnswerBufferLimits {
  /** Past this, a pass-through answer nothing needs whole is forwarded with backpressure instead. */
  readonly forwardAboveBytes: number;
  /** Most bytes one request may hold (an embeddings batch's parts add up). */
  readonly perRequestBytes: number;
  /** Most bytes all requests of the process may hold together. */
  readonly totalBytes: number;
}

/**
 * Defaults: 1 MiB before forwarding is the response cache's default entry limit, so an answer
 * too large to be cached is never held for the cache; 64 MiB per request fits a large
 * embeddings batch (2,048 × 1,536 floats as JSON is about 60 MB), and 256 MiB for the process
 * keeps a gateway whose clients stop reading inside a 1 GiB container: an answer held whole
 * costs about three times its size while it is parsed, translated and written.
 */
export const defaultAnswerBufferLimits: AnswerBufferLimits = Object.freeze({
  forwardAboveBytes: 1024 * 1024,
  perRequestBytes: 64 * 1024 * 1024,
  totalBytes: 256 * 1024 * 1024,
});

let limits: AnswerBufferLimits = defaultAnswerBufferLimits;
let held = 0;

/** Sets the limits (at gateway start; the process-wide count is shared by every gateway in it). */
export function configureAnswerBuffers(next: Partial<AnswerBufferLimits>): void {
  limits = { ...defaultAnswerBufferLimits, ...next };
}

export function answerBufferLimits(): AnswerBufferLimits {
  return limits;
}

/** Upstream answer bytes the process holds right now (read by tests and metrics). */
export function bufferedAnswerBytes(): number {
  return held;
}

/**
 * One request's share of the budget. Charged per chunk as an answer is read whole; the bytes
 * stay charged until the client has the answer (the socket holds what was written until the
 * client reads it), when the pipeline calls `releaseAnswerBuffer` with the request's signal.
 */
export class AnswerLease {
  #held = 0;

  /** Charges `bytes`; false (nothing charged) when it would pass either limit. */
  charge(bytes: number): boolean {
    if (this.#held + bytes > limits.perRequestBytes || held + bytes > limits.totalBytes) return false;
    this.#held += bytes;
    held += bytes;
    return true;
  }

  /** Gives back bytes that were dropped (a failed or abandoned read). */
  refund(bytes: number): void {
    const n = Math.min(bytes, this.#held);
    this.#held -= n;
    held -= n;
  }

  release(): void {
    held -= this.#held;
    this.#held = 0;
  }
}

/** Leases by the request's signal: the transport sees the signal, the pipeline the response. */
const leases = new WeakMap<AbortSignal, AnswerLease>();

export function answerLease(signal: AbortSignal): AnswerLease {
  let lease = leases.get(signal);
  if (lease === undefined) leases.set(signal, (lease = new AnswerLease()));
  return lease;
}

/** The request is over and its answer written or dropped: its bytes are no longer held. */
export function releaseAnswerBuffer(signal: AbortSignal): void {
  const lease = leases.get(signal);
  if (lease === undefined) return;
  leases.delete(signal);
  lease.release();
}

/** A whole answer that would pass the buffer limits, where it cannot be forwarded unbuffered. */
export function answerTooLarge(provider: string): GatewayError {
  const l = limits;
  return new GatewayError(
    502,
    'api_error',
    `provider '${provider}' answered with more than the gateway may hold in memory for one answer ` +
      `(server.answerBuffer: ${l.perRequestBytes} bytes per request, ${l.totalBytes} in all); ask for less (a smaller batch), or stream`,
    { code: 'upstream_answer_too_large', provider },
  );
}
