import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AdmissionStoreError } from './errors.ts';
import { Lease, unheldLease, type BudgetHold } from './lease.ts';
import { admitScript, reconcileScript, releaseScript, spendScript } from './lua.ts';
import { runScript, type LuaScript } from './script.ts';
import type { Admission, AdmissionOptions, AdmissionRequest, AdmissionResult, BudgetWindow, LimitKind, RateHeadroom, ScopeLimits } from './types.ts';
import {
  assertCount,
  assertInteger,
  DEFAULT_BUCKET_MS,
  DEFAULT_LEASE_TTL_MS,
  DEFAULT_PARALLEL_RETRY_AFTER_MS,
  SPEND_GRACE_MS,
  WINDOW_BUCKETS,
} from './window.ts';

export interface RedisAdmissionOptions extends AdmissionOptions {
  /**
   * The connection, owned by the caller. Make it with `enableOfflineQueue: false` (and a
   * `commandTimeout`) so admissions fail at once while Redis is away instead of queueing.
   */
  readonly redis: Redis;
  /** Prepended to every key. On Redis Cluster, put a hash tag in it (`{sy}:`): one script touches all of a request's keys. */
  readonly prefix: string;
}

const SPEND_GRACE = String(SPEND_GRACE_MS);

/** The script's refused-limit codes, 1-based. */
const LIMITS: readonly LimitKind[] = ['rpm', 'tpm', 'parallel', 'budget'];

/**
 * The admission engine shared by every gateway instance: one Lua script per admission (one round
 * trip), on Redis's clock, so N instances enforce a limit exactly as one. Every key has a TTL.
 * Keys: `{prefix}rpm:{scope}`, `tpm:{scope}` (hashes of bucket -> count), `par:{scope}` (sorted
 * set of lease -> expiry), `bud:{scope}:{window}` (spend counter).
 */
export class RedisAdmission implements Admission {
  readonly #redis: Redis;
  readonly #p: string;
  readonly #open: boolean;
  readonly #bucketMs: string;
  readonly #window: string;
  readonly #leaseTtlMs: string;
  readonly #parallelRetryMs: string;

  constructor(options: RedisAdmissionOptions) {
    this.#redis = options.redis;
    this.#p = options.prefix;
    this.#open = options.onStoreError === 'open';
    // Script arguments are strings on the wire: convert the fixed ones once.
    this.#bucketMs = String(options.bucketMs ?? DEFAULT_BUCKET_MS);
    this.#window = String(WINDOW_BUCKETS);
    this.#leaseTtlMs = String(options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS);
    this.#parallelRetryMs = String(options.parallelRetryAfterMs ?? DEFAULT_PARALLEL_RETRY_AFTER_MS);
  }

  async admit(request: AdmissionRequest): Promise<AdmissionResult> {
    const { scopes, tokens } = request;
    const cost = request.costNanoUsd ?? 0;
    assertCount('tokens', tokens);
    assertCount('costNanoUsd', cost);
    // Not connected: fail at once rather than queue behind a dead connection.
    if (this.#redis.status !== 'ready') return this.#storeDown(new Error(`redis ${this.#redis.status}`), tokens, cost);
    const keys: string[] = [];
    const args: string[] = [
      this.#bucketMs,
      this.#window,
      String(tokens),
      '',
      this.#leaseTtlMs,
      this.#parallelRetryMs,
      String(scopes.length),
      String(cost),
      SPEND_GRACE,
    ];
    const tpmScopes: string[] = [];
    const parallelScopes: string[] = [];
    const budgets: BudgetHold[] = [];
    for (const s of scopes) {
      const p = this.#p;
      args.push(
        s.rpm === undefined ? '' : String(s.rpm),
        s.tpm === undefined ? '' : String(s.tpm),
        s.maxParallel === undefined ? '' : String(s.maxParallel),
        s.budget === undefined ? '' : String(s.budget.maxNanoUsd),
        s.budget === undefined ? '' : String(s.budget.window.endsAt),
      );
      if (s.rpm !== undefined) keys.push(`${p}rpm:${s.id}`);
      if (s.tpm !== undefined) {
        keys.push(`${p}tpm:${s.id}`);
        tpmScopes.push(s.id);
      }
      if (s.maxParallel !== undefined) {
        keys.push(`${p}par:${s.id}`);
        parallelScopes.push(s.id);
      }
      if (s.budget !== undefined) {
        keys.push(`${p}bud:${s.id}:${s.budget.window.id}`);
        budgets.push({ scopeId: s.id, window: s.budget.window });
      }
    }
    const leaseId = parallelScopes.length > 0 ? randomUUID() : '';
    args[3] = leaseId;

    let raw: unknown;
    try {
      raw = await runScript(this.#redis, admitScript, keys.length, keys.concat(args));
    } catch (err) {
      return this.#storeDown(err, tokens, cost);
    }
    const r = numbers(raw, 12);
    const requests = headroom(r[3], r[4], r[5]);
    const tokensHeadroom = headroom(r[6], r[7], r[8]);
    if (r[0] === 1) {
      return {
        admitted: true,
        lease: new Lease({ id: leaseId, bucket: r[2] as number, tpmScopes, parallelScopes, budgets, tokens, nanoUsd: cost }),
        failedOpen: false,
        requests,
        tokens: tokensHeadroom,
      };
    }
    const scope = scopes[(r[9] as number) - 1] as ScopeLimits;
    const limit = LIMITS[(r[10] as number) - 1] as LimitKind;
    return { admitted: false, scope, limit, value: limitValue(scope, limit), retryAfterMs: r[11] as number, requests, tokens: tokensHeadroom };
  }

  async reconcile(lease: Lease, actualTokens: number): Promise<void> {
    assertCount('actualTokens', actualTokens);
    const delta = lease.settleTokens(actualTokens);
    // No tpm limit held: nothing to correct, and no round trip for it.
    if (delta === 0 || lease.tpmScopes.length === 0) return;
    const argv = lease.tpmScopes.map((id) => `${this.#p}tpm:${id}`);
    argv.push(this.#bucketMs, this.#window, String(lease.bucket), String(delta));
    await this.#script('reconcile', reconcileScript, lease.tpmScopes.length, argv);
  }

  async release(lease: Lease): Promise<void> {
    if (!lease.markReleased() || lease.parallelScopes.length === 0) return;
    const argv = lease.parallelScopes.map((id) => `${this.#p}par:${id}`);
    argv.push(lease.id);
    await this.#script('release', releaseScript, lease.parallelScopes.length, argv);
  }

  async settleSpend(lease: Lease, actualNanoUsd: number): Promise<void> {
    assertCount('actualNanoUsd', actualNanoUsd);
    const delta = lease.settleSpend(actualNanoUsd);
    if (delta === 0 || lease.budgets.length === 0) return;
    const argv: string[] = [];
    for (const b of lease.budgets) argv.push(this.#spendKey(b.scopeId, b.window));
    argv.push(String(delta));
    for (const b of lease.budgets) argv.push(String(b.window.endsAt + SPEND_GRACE_MS));
    await this.#script('spend', spendScript, lease.budgets.length, argv);
  }

  async recordSpend(scopeId: string, window: BudgetWindow, nanoUsd: number): Promise<void> {
    assertInteger('nanoUsd', nanoUsd);
    const argv = [this.#spendKey(scopeId, window), String(nanoUsd), String(window.endsAt + SPEND_GRACE_MS)];
    await this.#script('spend', spendScript, 1, argv);
  }

  async seedSpend(scopeId: string, window: BudgetWindow, nanoUsd: number): Promise<void> {
    assertInteger('nanoUsd', nanoUsd);
    this.#assertReady('spend seed');
    try {
      // SET NX: the first instance to seed a window wins; counting after that only adds.
      await this.#redis.set(this.#spendKey(scopeId, window), String(nanoUsd), 'PX', Math.max(1, window.endsAt + SPEND_GRACE_MS - Date.now()), 'NX');
    } catch (err) {
      throw new AdmissionStoreError('spend seed', err);
    }
  }

  async spent(scopeId: string, window: BudgetWindow): Promise<number> {
    this.#assertReady('spend read');
    let v: string | null;
    try {
      v = await this.#redis.get(this.#spendKey(scopeId, window));
    } catch (err) {
      throw new AdmissionStoreError('spend read', err);
    }
    return v === null ? 0 : Number(v);
  }

  /** The connection belongs to the caller, who closes it. */
  async close(): Promise<void> {}

  #spendKey(scopeId: string, window: BudgetWindow): string {
    return `${this.#p}bud:${scopeId}:${window.id}`;
  }

  /** Fail closed (throw, the plugin answers 503) or, when configured, admit unchecked. */
  #storeDown(err: unknown, tokens: number, cost: number): AdmissionResult {
    if (!this.#open) throw new AdmissionStoreError('admission', err);
    return { admitted: true, lease: unheldLease(tokens, cost), failedOpen: true, requests: undefined, tokens: undefined };
  }

  /** Everything but admission throws in both modes: the plugin logs it (leases expire on their own). */
  async #script(operation: string, script: LuaScript, numKeys: number, argv: readonly string[]): Promise<void> {
    this.#assertReady(operation);
    try {
      await runScript(this.#redis, script, numKeys, argv);
    } catch (err) {
      throw new AdmissionStoreError(operation, err);
    }
  }

  #assertReady(operation: string): void {
    if (this.#redis.status !== 'ready') throw new AdmissionStoreError(operation, new Error(`redis ${this.#redis.status}`));
  }
}

function numbers(raw: unknown, length: number): readonly number[] {
  if (Array.isArray(raw) && raw.length === length) {
    let ok = true;
    for (const v of raw) ok &&= typeof v === 'number';
    if (ok) return raw as number[];
  }
  throw new AdmissionStoreError('admission', new Error('unexpected reply from the admission script'));
}

function headroom(limit: number | undefined, remaining: number | undefined, resetMs: number | undefined): RateHeadroom | undefined {
  if (limit === undefined || limit < 0) return undefined;
  return { limit, remaining: remaining ?? 0, resetMs: resetMs ?? 0 };
}

function limitValue(scope: ScopeLimits, limit: LimitKind): number {
  switch (limit) {
    case 'rpm':
      return scope.rpm ?? 0;
    case 'tpm':
      return scope.tpm ?? 0;
    case 'parallel':
      return scope.maxParallel ?? 0;
    case 'budget':
      return scope.budget?.maxNanoUsd ?? 0;
  }
}
