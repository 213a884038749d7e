import type { Lease } from './lease.ts';

/** Which kind of owner a limit belongs to: names the scope in refusals and metric labels. */
export type ScopeKind = 'key' | 'team' | 'key-model';

/** The limit a refusal names. `parallel` is `max_parallel_requests`. */
export type LimitKind = 'rpm' | 'tpm' | 'parallel' | 'budget';

/**
 * A budget window, computed by the caller from the clock and `budget_duration` (calendar-aligned
 * or rolling from `budget_reset_at`): spend is counted per window id, so a new window starts at 0
 * without a reset job.
 */
export interface BudgetWindow {
  /** Stable for the whole window, e.g. `2026-12` or the window's start in epoch ms. */
  readonly id: string;
  /** When the window ends, epoch ms: spend counters expire after it, refusals say it. */
  readonly endsAt: number;
}

export interface BudgetLimit {
  /** Maximum spend in the window, integer nano-USD. */
  readonly maxNanoUsd: number;
  readonly window: BudgetWindow;
}

/**
 * Every limit of one owner (a key, a team, a key for one model). Absent limits are not checked.
 * Limits are non-negative integers (0 refuses everything).
 */
export interface ScopeLimits {
  /** Unique across kinds and stable (e.g. `key:<hash>`, `team:<id>`, `km:<hash>:<model>`): names the counters. */
  readonly id: string;
  readonly kind: ScopeKind;
  readonly rpm?: number;
  readonly tpm?: number;
  readonly maxParallel?: number;
  readonly budget?: BudgetLimit;
}

export interface AdmissionRequest {
  /** Every limit that applies to this request; all are checked and debited together. */
  readonly scopes: readonly ScopeLimits[];
  /** Tokens reserved against every tpm limit now, reconciled with the real count later. */
  readonly tokens: number;
  /**
   * Estimated cost reserved against every budget now (the plugin's `budgetMode: 'reserve'`, for
   * strict caps under concurrency): refused when spend + estimate exceeds the budget. Absent or 0:
   * budgets are only checked (refused when spend >= max; the request that crosses completes).
   */
  readonly costNanoUsd?: number;
}

/** OpenAI's `x-ratelimit-*` triple for one limit. */
export interface RateHeadroom {
  readonly limit: number;
  readonly remaining: number;
  /** Until the rolling window is empty again (OpenAI: "resets to its initial state"), ms. */
  readonly resetMs: number;
}

interface Headroom {
  /** The rpm limit with the smallest remaining fraction, or undefined when no scope has one. */
  readonly requests: RateHeadroom | undefined;
  /** The same for tpm. */
  readonly tokens: RateHeadroom | undefined;
}

export interface Admitted extends Headroom {
  readonly admitted: true;
  /** Hand back to `reconcile` and `release` when the answer ends, fails or the client leaves. */
  readonly lease: Lease;
  /** True when the store failed and `onStoreError: 'open'` let the request through unchecked. */
  readonly failedOpen: boolean;
}

export interface Refused extends Headroom {
  readonly admitted: false;
  /** The scope whose limit refused; with several, a budget first, else the longest wait. */
  readonly scope: ScopeLimits;
  readonly limit: LimitKind;
  /** The limit's configured value (requests, tokens, leases or nano-USD). */
  readonly value: number;
  /** When a retry can succeed: the rolling window frees enough, a budget window ends; ms. */
  readonly retryAfterMs: number;
}

export type AdmissionResult = Admitted | Refused;

/** A value, or a promise of it: what a store answers at once (process memory) needs no promise. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Admission of rpm, tpm, parallel and budget limits over several scopes, all or nothing.
 * A refused request debits nothing. Implementations: in memory (one instance) and Redis (shared).
 * The per-request calls may answer synchronously (memory does: a promise and a turn of the loop
 * each would be most of their cost); invalid arguments then throw instead of rejecting.
 */
export interface Admission {
  /** Checks every limit of every scope and, only if all pass, debits them all in one atomic step. */
  admit(request: AdmissionRequest): MaybePromise<AdmissionResult>;
  /** Charges (or refunds) the difference between the lease's reserved tokens and `actualTokens`. */
  reconcile(lease: Lease, actualTokens: number): MaybePromise<void>;
  /** Frees the lease's parallel slots; a second call does nothing. */
  release(lease: Lease): MaybePromise<void>;
  /**
   * Charges the request's real cost to every budget it was admitted against (in the windows of its
   * admission), minus what was reserved: one store call for all scopes.
   */
  settleSpend(lease: Lease, actualNanoUsd: number): MaybePromise<void>;
  /** Adds spend to a scope's budget window (integer nano-USD), outside any request. */
  recordSpend(scopeId: string, window: BudgetWindow, nanoUsd: number): Promise<void>;
  /**
   * Starts a window's counter at `nanoUsd` (the durable store's spend for it) unless it is already
   * counting: seeding from a store that lags behind the counters never lowers or doubles them, so
   * any number of instances may seed the same window.
   */
  seedSpend(scopeId: string, window: BudgetWindow, nanoUsd: number): Promise<void>;
  /** The spend counted so far in a window, nano-USD. */
  spent(scopeId: string, window: BudgetWindow): Promise<number>;
  close(): Promise<void>;
}

/** What both implementations accept; the Redis one adds its connection. */
export interface AdmissionOptions {
  /** How long a parallel lease lives if never released (a crashed instance), ms. Default 10 min. */
  readonly leaseTtlMs?: number;
  /** The Retry-After hint when max_parallel refuses (no way to know when a slot frees), ms. Default 1 s. */
  readonly parallelRetryAfterMs?: number;
  /** Length of one rolling-window bucket, ms; the window is 60 buckets. Default 1000; tests shorten it. */
  readonly bucketMs?: number;
  /** Store unreachable: `closed` (default) throws AdmissionStoreError; `open` admits unchecked. */
  readonly onStoreError?: 'closed' | 'open';
}
