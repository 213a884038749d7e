import type { Deployment } from '../routing/types.ts';

/**
 * Upstream time limits used when neither the deployment, its group nor `settings.timeout` sets
 * one. The old single default (600 s for the headers and for every gap, retried up to 3 times)
 * held a client up to 30 minutes on a hung provider. These are what an operator would pick:
 *
 * - `streamFirstByteMs` 60 s: a streamed answer's headers come as soon as the provider accepts
 *   the request, so a minute of silence means a hung or saturated provider; another attempt (or
 *   deployment) is the better bet.
 * - `completeFirstByteMs` 300 s: a non-streamed answer's headers come with the finished answer,
 *   so this bounds a whole generation; long reasoning answers take minutes.
 * - `idleMs` 60 s: the longest gap between body chunks. Reasoning models can think silently for
 *   tens of seconds between events (Anthropic pings every few seconds; OpenAI and Gemini send
 *   nothing while reasoning), so 30 s would cut healthy streams.
 * - `totalMs` 600 s: one attempt, body included; bounds a provider that trickles bytes forever
 *   (which no idle limit catches). Never shorter than a configured first-byte limit.
 *
 * Worst case on a hung provider: 3 attempts × 60 s for a stream, instead of 30 minutes.
 */
export const upstreamTimeoutDefaults = Object.freeze({
  connectMs: 10_000,
  streamFirstByteMs: 60_000,
  completeFirstByteMs: 300_000,
  idleMs: 60_000,
  totalMs: 600_000,
});

/** The limits of one upstream call, in ms. */
export interface CallTimeouts {
  /** Longest wait for the response headers. */
  readonly firstByteMs: number;
  /** Longest silence between body chunks. */
  readonly idleMs: number;
  /** Longest whole call; undefined when the deployment's own deadline (`totalTimeoutMs`) bounds it. */
  readonly defaultTotalMs: number | undefined;
}

/**
 * A deployment's limits, configured values first. A configured `timeout` (first byte) still
 * bounds the gaps too when `idle` is not set, as it always has.
 */
export function callTimeouts(target: Deployment, stream: boolean): CallTimeouts {
  const d = upstreamTimeoutDefaults;
  const configured = target.timeoutMs;
  return {
    firstByteMs: configured ?? (stream ? d.streamFirstByteMs : d.completeFirstByteMs),
    idleMs: target.idleTimeoutMs ?? configured ?? d.idleMs,
    defaultTotalMs: target.totalTimeoutMs === undefined ? Math.max(d.totalMs, configured ?? 0) : undefined,
  };
}
