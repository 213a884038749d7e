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

/** One rpm or tpm limit as read in phase 1, for the headers. */
interface Reading {
  readonly limit: number;
  readonly used: number;
  readonly newest: number;
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
  /** `${scope id}\n${window id}` -> spend */
  readonly #spend = new Map<string, Spend>();
  #lastSweep = 0;

  constructor(options: MemoryAdmissionOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#bucketMs = options.bucketMs ?? DEFAULT_BUCKET_MS;
    this.#leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.#parallelRetryMs = options.parallelRetryAfterMs ?? DEFAULT_PARALLEL_RETRY_AFTER_MS;
  }

  async admit(request: AdmissionRequest): Promise<AdmissionResult> {
    const { scopes, tokens } = request;
    const cost = request.costNanoUsd ?? 0;
    assertCount('tokens', tokens);
    assertCount('costNanoUsd', cost);
    const now = this.#now();
    this.#sweep(now);
    const bms = this.#bucketMs;
    const bucket = Math.floor(now / bms);
    const oldest = bucket - WINDOW_BUCKETS + 1;
    const rpm: Reading[] = [];
    const tpm: Reading[] = [];
    const verdict: Verdict = { scope: undefined, limit: 'rpm', value: 0, retryAfterMs: -1 };
    let needsLease = false;

    for (const scope of scopes) {
      if (scope.rpm !== undefined) {
        const w = windowOf(this.#rpm, scope.id);
        const used = w.sum(oldest);
        if (used + 1 > scope.rpm) refuse(verdict, scope, 'rpm', scope.rpm, this.#wait(w, used, 1, scope.rpm, now));
        rpm.push({ limit: scope.rpm, used, newest: w.newest() });
      }
      if (scope.tpm !== undefined) {
        const w = windowOf(this.#tpm, scope.id);
        const used = w.sum(oldest);
        if (used + tokens > scope.tpm) refuse(verdict, scope, 'tpm', scope.tpm, this.#wait(w, used, tokens, scope.tpm, now));
        tpm.push({ limit: scope.tpm, used, newest: w.newest() });
      }
      if (scope.maxParallel !== undefined) {
        needsLease = true;
        if (liveLeases(this.#leases.get(scope.id), now) >= scope.maxParallel) {
          refuse(verdict, scope, 'parallel', scope.maxParallel, this.#parallelRetryMs);
        }
      }
      if (scope.budget !== undefined) {
        const spent = this.#spend.get(spendKey(scope.id, scope.budget.window))?.nanoUsd ?? 0;
        const max = scope.budget.maxNanoUsd;
        // Check only: the request that crosses completes. Reserve: the estimate must fit too.
        if (spent >= max || (cost > 0 && spent + cost > max)) {
          refuse(verdict, scope, 'budget', scope.budget.maxNanoUsd, Math.max(0, scope.budget.window.endsAt - now));
        }
      }
    }

    if (verdict.scope !== undefined) {
      return {
        admitted: false,
        scope: verdict.scope,
        limit: verdict.limit,
        value: verdict.value,
        retryAfterMs: verdict.retryAfterMs,
        requests: this.#headroom(rpm, 0, bucket, now),
        tokens: this.#headroom(tpm, 0, bucket, now),
      };
    }

    const leaseId = needsLease ? randomUUID() : '';
    const tpmScopes: string[] = [];
    const parallelScopes: string[] = [];
    const budgets: BudgetHold[] = [];
    for (const scope of scopes) {
      if (scope.rpm !== undefined) windowOf(this.#rpm, scope.id).add(bucket, 1);
      if (scope.tpm !== undefined) {
        if (tokens > 0) windowOf(this.#tpm, scope.id).add(bucket, tokens);
        tpmScopes.push(scope.id);
      }
      if (scope.maxParallel !== undefined) {
        let set = this.#leases.get(scope.id);
        if (set === undefined) this.#leases.set(scope.id, (set = new Map()));
        set.set(leaseId, now + this.#leaseTtlMs);
        parallelScopes.push(scope.id);
      }
      if (scope.budget !== undefined) {
        budgets.push({ scopeId: scope.id, window: scope.budget.window });
        if (cost > 0) this.#addSpend(scope.id, scope.budget.window, cost);
      }
    }
    return {
      admitted: true,
      lease: new Lease({ id: leaseId, bucket, tpmScopes, parallelScopes, budgets, tokens, nanoUsd: cost }),
      failedOpen: false,
      requests: this.#headroom(rpm, 1, bucket, now),
      tokens: this.#headroom(tpm, tokens, bucket, now),
    };
  }

  async reconcile(lease: Lease, actualTokens: number): Promise<void> {
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

  async release(lease: Lease): Promise<void> {
    if (!lease.markReleased()) return;
    for (const id of lease.parallelScopes) this.#leases.get(id)?.delete(lease.id);
  }

  async settleSpend(lease: Lease, actualNanoUsd: number): Promise<void> {
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
    if (!this.#spend.has(spendKey(scopeId, window))) this.#addSpend(scopeId, window, nanoUsd);
  }

  #addSpend(scopeId: string, window: BudgetWindow, nanoUsd: number): void {
    const key = spendKey(scopeId, window);
    const spend = this.#spend.get(key);
    if (spend === undefined) this.#spend.set(key, { nanoUsd, expiresAt: window.endsAt + SPEND_GRACE_MS });
    else spend.nanoUsd += nanoUsd;
  }

  async spent(scopeId: string, window: BudgetWindow): Promise<number> {
    return this.#spend.get(spendKey(scopeId, window))?.nanoUsd ?? 0;
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

  /** The reading with the smallest remaining fraction after adding `add` (as the script's `headroom`). */
  #headroom(readings: readonly Reading[], add: number, bucket: number, now: number): RateHeadroom | undefined {
    let best: RateHeadroom | undefined;
    let bestFraction = 2;
    for (const r of readings) {
      const remaining = Math.max(0, r.limit - r.used - add);
      const fraction = r.limit > 0 ? remaining / r.limit : 0;
      if (fraction < bestFraction) {
        bestFraction = fraction;
        const newest = add > 0 ? bucket : r.newest;
        best = { limit: r.limit, remaining, resetMs: newest >= 0 ? (newest + WINDOW_BUCKETS) * this.#bucketMs - now : 0 };
      }
    }
    return best;
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
    for (const [key, spend] of this.#spend) if (spend.expiresAt <= now) this.#spend.delete(key);
  }

  /** For tests: how many entries each structure holds (the sweep must leave none behind). */
  get size(): number {
    return this.#rpm.size + this.#tpm.size + this.#leases.size + this.#spend.size;
  }
}

/** The refusal found so far in phase 1. */
interface Verdict {
  scope: ScopeLimits | undefined;
  limit: LimitKind;
  value: number;
  retryAfterMs: number;
}

/** Same precedence as the script: a budget refusal wins (no wait helps), else the longest wait. */
function refuse(v: Verdict, scope: ScopeLimits, limit: LimitKind, value: number, retryAfterMs: number): void {
  if (v.scope !== undefined && v.limit === 'budget') return;
  if (limit === 'budget' || retryAfterMs > v.retryAfterMs) {
    v.scope = scope;
    v.limit = limit;
    v.value = value;
    v.retryAfterMs = retryAfterMs;
  }
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

function spendKey(scopeId: string, window: BudgetWindow): string {
  return `${scopeId}\n${window.id}`;
}
