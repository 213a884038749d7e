/**
 * Shared state for routing and resilience plugins: cooldowns, in-flight counts, latency
 * averages and rpm/tpm usage. In memory by default; a plugin may provide another implementation
 * (Redis) so several gateway instances agree. Every time is passed in (`now`, epoch ms), so the
 * state itself has no clock and tests drive it with an injected one.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Whether a deployment may be called: closed (yes), open (cooling down), half-open (one probe). */
export interface Circuit {
  readonly state: CircuitState;
  /** Epoch ms the cooldown ends (open) or ended (half-open). */
  readonly until?: number;
  readonly reason?: string;
}

/** A deployment that is cooling down or waiting for its probe, as readiness lists it. */
export interface Cooldown {
  readonly deployment: string;
  readonly state: 'open' | 'half-open';
  readonly until: number;
  readonly reason: string;
}

export interface CooldownInit {
  readonly now: number;
  /** Epoch ms the cooldown ends; then the deployment is half-open. */
  readonly until: number;
  readonly reason: string;
  /** How long the half-open state lasts after `until` before the record expires (no leak). */
  readonly halfOpenMs: number;
}

/** Failures and calls counted in the current window. */
export interface OutcomeCounts {
  readonly failures: number;
  readonly total: number;
}

/** Requests and tokens in the last minute (sliding estimate over two fixed minutes). */
export interface UsageWindow {
  readonly requests: number;
  readonly tokens: number;
}

export type LatencyKind = 'total' | 'ttft';

export interface StateHealth {
  readonly status: 'ok' | 'degraded' | 'down';
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface SharedState {
  /** `memory`, `redis`…; shown in readiness. */
  readonly kind: string;

  /** Cools a deployment until `until`, then half-open for `halfOpenMs`. Replaces any earlier record. */
  setCooldown(id: string, init: CooldownInit): Promise<void>;
  /** The circuit of each deployment at `now`, in the order asked (one round trip). */
  circuits(ids: readonly string[], now: number): Promise<readonly Circuit[]>;
  /** Every deployment that is open or half-open at `now`. Not for the hot path. */
  listCooldowns(now: number): Promise<readonly Cooldown[]>;
  /** Ends a cooldown (its probe succeeded). */
  clearCooldown(id: string): Promise<void>;
  /** The one probe of a half-open deployment: true for exactly one caller until `ttlMs` passes. */
  claimProbe(id: string, now: number, ttlMs: number): Promise<boolean>;
  /** Counts one call in the deployment's failure window; returns the window's totals after it. */
  recordOutcome(id: string, failed: boolean, now: number, windowMs: number): Promise<OutcomeCounts>;

  /** One more call in flight; counts expire after `ttlMs` so a crashed instance leaks nothing. */
  acquire(id: string, ttlMs: number): Promise<void>;
  release(id: string, ttlMs: number): Promise<void>;
  inFlight(ids: readonly string[]): Promise<readonly number[]>;

  /** Folds a sample into an exponential moving average (`alpha` weight of the new sample). */
  recordLatency(id: string, kind: LatencyKind, ms: number, alpha: number): Promise<void>;
  latencies(ids: readonly string[], kind: LatencyKind): Promise<readonly (number | undefined)[]>;

  /** Adds requests and tokens to the deployment's current minute. */
  addUsage(id: string, now: number, requests: number, tokens: number): Promise<void>;
  usage(ids: readonly string[], now: number): Promise<readonly UsageWindow[]>;

  health(): StateHealth | Promise<StateHealth>;
  close(): Promise<void>;
}

/** Time as the resilience plugins see it; tests inject a fake one. */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  /** Waits `ms`; rejects when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** A source of chance in [0, 1); tests inject a seeded one. */
export type Random = () => number;

export const usageWindowMs = 60_000;

/** A sliding-minute estimate from two fixed minutes: all of this one, the unexpired part of the last. */
export function slidingUsage(now: number, current: UsageWindow, previous: UsageWindow): UsageWindow {
  const elapsed = (now % usageWindowMs) / usageWindowMs;
  const carry = 1 - elapsed;
  return {
    requests: current.requests + previous.requests * carry,
    tokens: current.tokens + previous.tokens * carry,
  };
}

/** A cooldown as stored: when it ends, why, and when the half-open state after it expires. */
export interface CooldownRecord {
  readonly until: number;
  readonly reason: string;
  readonly expires: number;
}

export function cooldownRecord(init: CooldownInit): CooldownRecord {
  return { until: init.until, reason: init.reason, expires: init.until + init.halfOpenMs };
}

export function circuitOf(record: CooldownRecord | undefined, now: number): Circuit {
  if (record === undefined || now >= record.expires) return closedCircuit;
  return { state: now < record.until ? 'open' : 'half-open', until: record.until, reason: record.reason };
}

export const closedCircuit: Circuit = Object.freeze({ state: 'closed' });

/** No requests, no tokens: the usage of a deployment with nothing recorded. */
export const noUsage: UsageWindow = Object.freeze({ requests: 0, tokens: 0 });
