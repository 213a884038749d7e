import { randomUUID } from 'node:crypto';
import { Lease, type BudgetHold } from './lease.ts';
import type { Admission, AdmissionOptions, AdmissionRequest, AdmissionResult, BudgetWindow, LimitKind, RateHeadroom, ScopeLimits } from './types.ts';
import { BucketWindow } from './memory-window.ts';
import {
  assertCount,
  assertInteger,
  DEFAULT_BUCKET_MS,
  DEFAULT_LEASE_TTL_MS,
  DEFAULT_PARALLEL_RETRY_AFTER_MS,
  SPEND_GRACE_MS,
  WINDOW_BUCKETS,
} from './window.ts';

export interface MemoryAdmissionOptions extends AdmissionOptions {
  /** Epoch ms; injectable so tests move time instead of waiting. */
  readonly now?: () => number;
}

interface Spend {
  nanoUsd: number;
  readonly expiresAt: number;
}

/**
 * The admission engine for a single gateway instance: the Lua script's semantics in process memory.
 * Check and debit run without an `await` between them, so they are atomic on the event loop.
 * Stale windows, expired leases and ended budget windows are swept lazily, once per window length.
 */
export class MemoryAdmission implements Admission {
  readonly #now: () => number;
  readonly #bucketMs: number;
  readonly #leaseTtlMs: number;
  readonly #parallelRetryMs: number;
  readonly #rpm = new Map<string, BucketWindow>();
  readonly #tpm = new Map<string, BucketWindow>();
  /** scope id -> lease id -> expiry ms */
  readonly #leases = new Map<string, Map<string, number>>();
  /** scope id -> window id -> spend (nested: no key string to build and hash per admission) */
  readonly #spend = new Map<string, Map<string, Spend>>();
  #lastSweep = 0;

  constructor(options: MemoryAdmissionOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#bucketMs = options.bucketMs ?? DEFAULT_BUCKET_MS;
    this.#leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.#parallelRetryMs = options.parallelRetryAfterMs ?? DEFAULT_PARALLEL_RETRY_AFTER_MS;
  }

  /** Synchronous: a value, not a promise, so the caller's admission costs no turn of the loop. */
  admit(request: AdmissionRequest): AdmissionResult {
    const { scopes, tokens } = request;
    const cost = request.costNanoUsd ?? 0;
    assertCount('tokens', tokens);
    assertCount('costNanoUsd', cost);
    const now = this.#now();
    this.#sweep(now);
    const bucket = Math.floor(now / this.#bucketMs);
    const oldest = bucket - WINDOW_BUCKETS + 1;
    let verdict: Verdict | undefined;
    // The headroom this request would leave (the headers of an admitted one), kept as it is read:
    // the rpm and tpm readings with the smallest remaining fraction once it is counted.
    const requests = scratchRequests.reset();
    const tokensLeft = scratchTokens.reset();

    for (const scope of scopes) {
      if (scope.rpm !== undefined) {
        const w = windowOf(this.#rpm, scope.id);
        const used = w.sum(oldest);
        if (used + 1 > scope.rpm) verdict = refuse(verdict, scope, 'rpm', scope.rpm, this.#wait(w, used, 1, scope.rpm, now));
        requests.consider(scope.rpm, used + 1, bucket);
      }
      if (scope.tpm !== undefined) {
        const w = windowOf(this.#tpm, scope.id);
        const used = w.sum(oldest);
        if (used + tokens > scope.tpm) verdict = refuse(verdict, scope, 'tpm', scope.tpm, this.#wait(w, used, tokens, scope.tpm, now));
        tokensLeft.consider(scope.tpm, used + tokens, tokens > 0 ? bucket : w.newest());
      }
      if (scope.maxParallel !== undefined && liveLeases(this.#leases.get(scope.id), now) >= scope.maxParallel) {
        verdict = refuse(verdict, scope, 'parallel', scope.maxParallel, this.#parallelRetryMs);
      }
      if (scope.budget !== undefined) {
        const spent = this.#spend.get(scope.id)?.get(scope.budget.window.id)?.nanoUsd ?? 0;
        const max = scope.budget.maxNanoUsd;
        // Check only: the request that crosses completes. Reserve: the estimate must fit too.
        if (spent >= max || (cost > 0 && spent + cost > max)) {
          verdict = refuse(verdict, scope, 'budget', scope.budget.maxNanoUsd, Math.max(0, scope.budget.window.endsAt - now));
        }
      }
    }

    if (verdict !== undefined) return this.#refused(verdict, scopes, oldest, now);

    const holds = holdsOf(scopes);
    const leaseId = holds.parallelScopes.length > 0 ? randomUUID() : '';
    for (const scope of scopes) {
      if (scope.rpm !== undefined) windowOf(this.#rpm, scope.id).add(bucket, 1);
      if (scope.tpm !== undefined && tokens > 0) windowOf(this.#tpm, scope.id).add(bucket, tokens);
      if (scope.maxParallel !== undefined) {
        let set = this.#leases.get(scope.id);
        if (set === undefined) this.#leases.set(scope.id, (set = new Map()));
        set.set(leaseId, now + this.#leaseTtlMs);
      }
      if (scope.budget !== undefined && cost > 0) this.#addSpend(scope.id, scope.budget.window, cost);
    }
    return {
      admitted: true,
      lease: new Lease({ id: leaseId, bucket, tpmScopes: holds.tpmScopes, parallelScopes: holds.parallelScopes, budgets: holds.budgets, tokens, nanoUsd: cost }),
      failedOpen: false,
      requests: requests.headroom(this.#bucketMs, now),
      tokens: tokensLeft.headroom(this.#bucketMs, now),
    };
  }

  /** A refusal, with the headroom as it stands (nothing was counted): read again, off the common path. */
  #refused(verdict: Verdict, scopes: readonly ScopeLimits[], oldest: number, now: number): AdmissionResult {
    const requests = scratchRequests.reset();
    const tokensLeft = scratchTokens.reset();
    for (const scope of scopes) {
      if (scope.rpm !== undefined) {
        const w = windowOf(this.#rpm, scope.id);
        requests.consider(scope.rpm, w.sum(oldest), w.newest());
      }
      if (scope.tpm !== undefined) {
        const w = windowOf(this.#tpm, scope.id);
        tokensLeft.consider(scope.tpm, w.sum(oldest), w.newest());
      }
    }
    return {
      admitted: false,
      scope: verdict.scope,
      limit: verdict.limit,
      value: verdict.value,
      retryAfterMs: verdict.retryAfterMs,
      requests: requests.headroom(this.#bucketMs, now),
      tokens: tokensLeft.headroom(this.#bucketMs, now),
    };
  }

  reconcile(lease: Lease, actualTokens: number): void {
    assertCount('actualTokens', actualTokens);
    const delta = lease.settleTokens(actualTokens);
    if (delta === 0) return;
    const bucket = Math.floor(this.#now() / this.#bucketMs);
    let target = lease.bucket;
    if (bucket - target >= WINDOW_BUCKETS) {
      // The reservation has left the window: nothing to refund; an extra charge counts now.
      if (delta < 0) return;
      target = bucket;
    }
    for (const id of lease.tpmScopes) windowOf(this.#tpm, id).add(target, delta);
  }

  release(lease: Lease): void {
    if (!lease.markReleased()) return;
    for (const id of lease.parallelScopes) this.#leases.get(id)?.delete(lease.id);
  }

  settleSpend(lease: Lease, actualNanoUsd: number): void {
    assertCount('actualNanoUsd', actualNanoUsd);
    const delta = lease.settleSpend(actualNanoUsd);
    if (delta === 0) return;
    for (const b of lease.budgets) this.#addSpend(b.scopeId, b.window, delta);
  }

  async recordSpend(scopeId: string, window: BudgetWindow, nanoUsd: number): Promise<void> {
    assertInteger('nanoUsd', nanoUsd);
    this.#addSpend(scopeId, window, nanoUsd);
  }

  async seedSpend(scopeId: string, window: BudgetWindow, nanoUsd: number): Promise<void> {
    assertInteger('nanoUsd', nanoUsd);
    if (this.#spend.get(scopeId)?.has(window.id) !== true) this.#addSpend(scopeId, window, nanoUsd);
  }

  #addSpend(scopeId: string, window: BudgetWindow, nanoUsd: number): void {
    let windows = this.#spend.get(scopeId);
    if (windows === undefined) this.#spend.set(scopeId, (windows = new Map()));
    const spend = windows.get(window.id);
    if (spend === undefined) windows.set(window.id, { nanoUsd, expiresAt: window.endsAt + SPEND_GRACE_MS });
    else spend.nanoUsd += nanoUsd;
  }

  async spent(scopeId: string, window: BudgetWindow): Promise<number> {
    return this.#spend.get(scopeId)?.get(window.id)?.nanoUsd ?? 0;
  }

  async close(): Promise<void> {
    this.#rpm.clear();
    this.#tpm.clear();
    this.#leases.clear();
    this.#spend.clear();
  }

  /** Ms until enough buckets leave the window for `used + add <= limit` (as the script's `wait`). */
  #wait(w: BucketWindow, used: number, add: number, limit: number, now: number): number {
    const bucket = w.freeingBucket(used, add, limit);
    if (bucket >= 0) return (bucket + WINDOW_BUCKETS) * this.#bucketMs - now;
    const newest = w.newest();
    return newest >= 0 ? (newest + WINDOW_BUCKETS) * this.#bucketMs - now : WINDOW_BUCKETS * this.#bucketMs;
  }

  /** Drops what can no longer count, at most once per window length, so idle scopes leave no trace. */
  #sweep(now: number): void {
    const span = WINDOW_BUCKETS * this.#bucketMs;
    if (now - this.#lastSweep < span) return;
    this.#lastSweep = now;
    const oldest = Math.floor(now / this.#bucketMs) - WINDOW_BUCKETS + 1;
    for (const windows of [this.#rpm, this.#tpm]) {
      for (const [id, w] of windows) if (w.sum(oldest) === 0 && w.empty) windows.delete(id);
    }
    for (const [id, set] of this.#leases) if (liveLeases(set, now) === 0) this.#leases.delete(id);
    for (const [id, windows] of this.#spend) {
      for (const [window, spend] of windows) if (spend.expiresAt <= now) windows.delete(window);
      if (windows.size === 0) this.#spend.delete(id);
    }
  }

  /** For tests: how many entries each structure holds (the sweep must leave none behind). */
  get size(): number {
    return this.#rpm.size + this.#tpm.size + this.#leases.size + this.#spend.size;
  }
}

/** The refusal found so far in phase 1 (none: no object at all). */
interface Verdict {
  scope: ScopeLimits;
  limit: LimitKind;
  value: number;
  retryAfterMs: number;
}

/**
 * The refusal so far with this one considered (created by the first): same precedence as the
 * script, a budget refusal wins (no wait helps), else the longest wait.
 */
function refuse(v: Verdict | undefined, scope: ScopeLimits, limit: LimitKind, value: number, retryAfterMs: number): Verdict {
  if (v === undefined) return { scope, limit, value, retryAfterMs };
  if (v.limit === 'budget') return v;
  if (limit === 'budget' || retryAfterMs > v.retryAfterMs) {
    v.scope = scope;
    v.limit = limit;
    v.value = value;
    v.retryAfterMs = retryAfterMs;
  }
  return v;
}

/**
 * The rpm (or tpm) reading with the smallest remaining fraction among a request's scopes, as the
 * script's `headroom`: fed reading by reading, so no list of readings is built per admission.
 */
class Tightest {
  #limit = 0;
  #remaining = 0;
  #newest = -1;
  #fraction = 2;

  reset(): this {
    this.#fraction = 2;
    return this;
  }

  /** A limit with `used` counted in it (this request included when admitted); `newest` bucket or -1. */
  consider(limit: number, used: number, newest: number): void {
    const remaining = Math.max(0, limit - used);
    const fraction = limit > 0 ? remaining / limit : 0;
    if (fraction >= this.#fraction) return;
    this.#fraction = fraction;
    this.#limit = limit;
    this.#remaining = remaining;
    this.#newest = newest;
  }

  headroom(bucketMs: number, now: number): RateHeadroom | undefined {
    if (this.#fraction === 2) return undefined;
    const newest = this.#newest;
    return { limit: this.#limit, remaining: this.#remaining, resetMs: newest >= 0 ? (newest + WINDOW_BUCKETS) * bucketMs - now : 0 };
  }
}

/** One of each, reused: `admit` is synchronous, so no two admissions use them at once. */
const scratchRequests = new Tightest();
const scratchTokens = new Tightest();

/** What a lease holds for a list of scopes, the same for every call with that (memoized) list. */
interface Holds {
  readonly tpmScopes: readonly string[];
  readonly parallelScopes: readonly string[];
  readonly budgets: readonly BudgetHold[];
}

const holdsByScopes = new WeakMap<readonly ScopeLimits[], Holds>();

function holdsOf(scopes: readonly ScopeLimits[]): Holds {
  let holds = holdsByScopes.get(scopes);
  if (holds !== undefined) return holds;
  holds = Object.freeze({
    tpmScopes: Object.freeze(scopes.filter((s) => s.tpm !== undefined).map((s) => s.id)),
    parallelScopes: Object.freeze(scopes.filter((s) => s.maxParallel !== undefined).map((s) => s.id)),
    budgets: Object.freeze(scopes.flatMap((s) => (s.budget === undefined ? [] : [{ scopeId: s.id, window: s.budget.window }]))),
  });
  holdsByScopes.set(scopes, holds);
  return holds;
}

function windowOf(map: Map<string, BucketWindow>, id: string): BucketWindow {
  let w = map.get(id);
  if (w === undefined) map.set(id, (w = new BucketWindow()));
  return w;
}

/** Counts unexpired leases, dropping expired ones (a crashed request's slot frees itself). */
function liveLeases(set: Map<string, number> | undefined, now: number): number {
  if (set === undefined) return 0;
  for (const [id, expires] of set) if (expires <= now) set.delete(id);
  return set.size;
}
