import { expect, test } from 'vitest';
import type { Admission, AdmissionOptions, AdmissionResult, Admitted, Refused, ScopeLimits } from '../../plugins/keys/limits/index.ts';

/** How the contract drives one implementation. */
export interface AdmissionHarness {
  /** A fresh engine (options as the implementation takes them); closed by the harness. */
  make(options?: AdmissionOptions): Promise<Admission>;
  /** The engine's clock now, epoch ms (budget windows are computed from it). */
  now(): number;
  /** Lets `ms` pass on the engine's clock: memory moves a fake clock, Redis waits for real. */
  pass(ms: number): Promise<void>;
  /** A scope id unique to this test and run, so concurrent runs never share counters. */
  id(name: string): string;
  /** A bucket short enough that waiting out a rolling window is cheap on a real clock. */
  readonly shortBucketMs: number;
  /** A lease ttl short enough to wait out. */
  readonly shortLeaseTtlMs: number;
}

function admitted(r: AdmissionResult): Admitted {
  expect(r.admitted, r.admitted ? '' : `refused by ${r.scope.id} ${r.limit}`).toBe(true);
  return r as Admitted;
}

function refused(r: AdmissionResult): Refused {
  expect(r.admitted).toBe(false);
  return r as Refused;
}

/** The behaviour every Admission implementation must have; run against memory and real Redis. */
export function admissionContract(h: AdmissionHarness): void {
  const key = (name: string, limits: Omit<ScopeLimits, 'id' | 'kind'>): ScopeLimits => ({ id: h.id(name), kind: 'key', ...limits });
  const team = (name: string, limits: Omit<ScopeLimits, 'id' | 'kind'>): ScopeLimits => ({ id: h.id(name), kind: 'team', ...limits });

  test('admits within every limit and reports the most constrained rpm and tpm for the headers', async () => {
    const a = await h.make();
    const k = key('k', { rpm: 10, tpm: 1000 });
    const t = team('t', { rpm: 4, tpm: 10_000 });
    const r = admitted(await a.admit({ scopes: [k, t], tokens: 300 }));
    expect(r.failedOpen).toBe(false);
    // Team rpm: 3 of 4 left (0.75) is tighter than the key's 9 of 10; key tpm: 700 of 1000 (0.7) tighter than the team's.
    expect(r.requests).toMatchObject({ limit: 4, remaining: 3 });
    expect(r.tokens).toMatchObject({ limit: 1000, remaining: 700 });
    // Just admitted: the window empties a whole window from now (a bucket's worth of rounding aside).
    expect(r.requests?.resetMs).toBeGreaterThan(59_000);
    expect(r.requests?.resetMs).toBeLessThanOrEqual(60_000);
    const none = admitted(await a.admit({ scopes: [key('plain', {})], tokens: 5 }));
    expect(none.requests).toBeUndefined();
    expect(none.tokens).toBeUndefined();
  });

  test('all or nothing: over the team rpm but under the key rpm debits neither', async () => {
    const a = await h.make();
    const t = team('t', { rpm: 1 });
    const k1 = key('k1', { rpm: 5 });
    const k2 = key('k2', { rpm: 5, tpm: 1000 });
    admitted(await a.admit({ scopes: [k1, t], tokens: 0 }));
    const r = refused(await a.admit({ scopes: [k2, t], tokens: 400 }));
    expect(r).toMatchObject({ scope: { id: t.id, kind: 'team' }, limit: 'rpm', value: 1 });
    // k2 was not charged: its five requests and full tpm are all still there.
    for (let i = 0; i < 5; i++) {
      const ok = admitted(await a.admit({ scopes: [k2], tokens: i === 0 ? 1000 : 0 }));
      expect(ok.requests?.remaining).toBe(4 - i);
    }
    refused(await a.admit({ scopes: [k2], tokens: 0 }));
  });

  test('a refused request debits nothing, however often it is refused', async () => {
    const a = await h.make();
    const end = h.now() + 3_600_000;
    const broke = key('broke', { budget: { maxNanoUsd: 10, window: { id: 'w1', endsAt: end } } });
    const busy = key('busy', { rpm: 2, tpm: 100, maxParallel: 1 });
    await a.recordSpend(broke.id, { id: 'w1', endsAt: end }, 10);
    for (let i = 0; i < 5; i++) refused(await a.admit({ scopes: [busy, broke], tokens: 100 }));
    const first = admitted(await a.admit({ scopes: [busy], tokens: 100 }));
    expect(first.requests?.remaining).toBe(1);
    expect(first.tokens?.remaining).toBe(0);
    // The parallel slot is held by `first`, not by any of the refusals.
    expect(refused(await a.admit({ scopes: [busy], tokens: 0 })).limit).toBe('parallel');
    await a.release(first.lease);
    admitted(await a.admit({ scopes: [busy], tokens: 0 }));
  });

  test('rpm: N admissions, then refused with a wait that ends within the window', async () => {
    const a = await h.make();
    const k = key('k', { rpm: 3 });
    for (let i = 0; i < 3; i++) admitted(await a.admit({ scopes: [k], tokens: 0 }));
    const r = refused(await a.admit({ scopes: [k], tokens: 0 }));
    expect(r).toMatchObject({ limit: 'rpm', value: 3, requests: { limit: 3, remaining: 0 } });
    expect(r.retryAfterMs).toBeGreaterThan(0);
    expect(r.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  test('rpm rolling window: after the refusal wait, a request is admitted again', async () => {
    const a = await h.make({ bucketMs: h.shortBucketMs });
    const k = key('roll', { rpm: 2 });
    admitted(await a.admit({ scopes: [k], tokens: 0 }));
    admitted(await a.admit({ scopes: [k], tokens: 0 }));
    const r = refused(await a.admit({ scopes: [k], tokens: 0 }));
    expect(r.retryAfterMs).toBeLessThanOrEqual(60 * h.shortBucketMs);
    await h.pass(r.retryAfterMs + 2);
    admitted(await a.admit({ scopes: [k], tokens: 0 }));
  });

  test('20 concurrent admissions for rpm 10: exactly 10 admitted', async () => {
    const a = await h.make();
    const k = key('burst', { rpm: 10 });
    const results = await Promise.all(Array.from({ length: 20 }, () => a.admit({ scopes: [k], tokens: 0 })));
    expect(results.filter((r) => r.admitted)).toHaveLength(10);
  });

  test('parallel: a third lease over max 2 is refused until one is released; double release is harmless', async () => {
    const a = await h.make();
    const k = key('par', { maxParallel: 2 });
    const one = admitted(await a.admit({ scopes: [k], tokens: 0 }));
    admitted(await a.admit({ scopes: [k], tokens: 0 }));
    const r = refused(await a.admit({ scopes: [k], tokens: 0 }));
    expect(r).toMatchObject({ limit: 'parallel', value: 2, retryAfterMs: 1_000 });
    await a.release(one.lease);
    await a.release(one.lease);
    admitted(await a.admit({ scopes: [k], tokens: 0 }));
    // Two held again: the double release freed one slot, not two.
    refused(await a.admit({ scopes: [k], tokens: 0 }));
  });

  test('parallel: a lease never released expires after its ttl (a crashed instance)', async () => {
    const a = await h.make({ leaseTtlMs: h.shortLeaseTtlMs });
    const k = key('ttl', { maxParallel: 1 });
    admitted(await a.admit({ scopes: [k], tokens: 0 }));
    refused(await a.admit({ scopes: [k], tokens: 0 }));
    await h.pass(h.shortLeaseTtlMs + 5);
    admitted(await a.admit({ scopes: [k], tokens: 0 }));
  });

  test('tpm: the estimate is reserved at admission and a smaller real count refunds the rest', async () => {
    const a = await h.make();
    const k = key('tpm', { tpm: 1000 });
    const first = admitted(await a.admit({ scopes: [k], tokens: 600 }));
    const r = refused(await a.admit({ scopes: [k], tokens: 600 }));
    expect(r).toMatchObject({ limit: 'tpm', value: 1000, tokens: { limit: 1000, remaining: 400 } });
    await a.reconcile(first.lease, 200);
    expect(first.lease.tokens).toBe(200);
    const second = admitted(await a.admit({ scopes: [k], tokens: 600 }));
    expect(second.tokens?.remaining).toBe(200);
  });

  test('tpm: a larger real count charges the difference; reconciling twice charges once', async () => {
    const a = await h.make();
    const k = key('tpm', { tpm: 1000 });
    const first = admitted(await a.admit({ scopes: [k], tokens: 100 }));
    await a.reconcile(first.lease, 900);
    await a.reconcile(first.lease, 900);
    expect(refused(await a.admit({ scopes: [k], tokens: 200 })).tokens?.remaining).toBe(100);
    expect(admitted(await a.admit({ scopes: [k], tokens: 100 })).tokens?.remaining).toBe(0);
  });

  test('tpm: a request larger than the whole limit is refused with a positive wait', async () => {
    const a = await h.make();
    const r = refused(await a.admit({ scopes: [key('big', { tpm: 100 })], tokens: 101 }));
    expect(r.limit).toBe('tpm');
    expect(r.retryAfterMs).toBeGreaterThan(0);
  });

  test('budget: the request that crosses the line was admitted, the next is refused until the window ends', async () => {
    const a = await h.make();
    const window = { id: 'day-1', endsAt: h.now() + 3_600_000 };
    const k = key('budget', { budget: { maxNanoUsd: 1_000, window } });
    admitted(await a.admit({ scopes: [k], tokens: 0 }));
    await a.recordSpend(k.id, window, 999);
    admitted(await a.admit({ scopes: [k], tokens: 0 }));
    await a.recordSpend(k.id, window, 500);
    expect(await a.spent(k.id, window)).toBe(1_499);
    const r = refused(await a.admit({ scopes: [k], tokens: 0 }));
    expect(r).toMatchObject({ scope: { id: k.id }, limit: 'budget', value: 1_000 });
    expect(r.retryAfterMs).toBeGreaterThan(3_500_000);
    expect(r.retryAfterMs).toBeLessThanOrEqual(3_600_000);
    // The next window starts from zero, with no reset job.
    const next = { id: 'day-2', endsAt: window.endsAt + 86_400_000 };
    expect(await a.spent(k.id, next)).toBe(0);
    admitted(await a.admit({ scopes: [{ ...k, budget: { maxNanoUsd: 1_000, window: next } }], tokens: 0 }));
  });

  test('budget: a seed starts an idle window at the stored spend, and never lowers or doubles a counting one', async () => {
    const a = await h.make();
    const window = { id: 'seed-1', endsAt: h.now() + 3_600_000 };
    const k = key('seeded', { budget: { maxNanoUsd: 1_000, window } });
    await a.seedSpend(k.id, window, 600);
    await a.seedSpend(k.id, window, 50);
    expect(await a.spent(k.id, window)).toBe(600);
    await a.recordSpend(k.id, window, 400);
    await a.seedSpend(k.id, window, 600);
    expect(await a.spent(k.id, window)).toBe(1_000);
    expect(refused(await a.admit({ scopes: [k], tokens: 0 })).limit).toBe('budget');
  });

  test('budget: the real cost is charged to every budget of the request, in its admission windows, once', async () => {
    const a = await h.make();
    const keyWindow = { id: 'month-1', endsAt: h.now() + 3_600_000 };
    const teamWindow = { id: 'day-1', endsAt: h.now() + 60_000 };
    const k = key('spend', { budget: { maxNanoUsd: 1_000, window: keyWindow } });
    const t = team('spend', { budget: { maxNanoUsd: 5_000, window: teamWindow } });
    const r = admitted(await a.admit({ scopes: [k, t], tokens: 0 }));
    expect(r.lease.budgets).toEqual([{ scopeId: k.id, window: keyWindow }, { scopeId: t.id, window: teamWindow }]);
    await a.settleSpend(r.lease, 300);
    await a.settleSpend(r.lease, 300);
    expect(await a.spent(k.id, keyWindow)).toBe(300);
    expect(await a.spent(t.id, teamWindow)).toBe(300);
  });

  test('budget reserve mode: concurrent estimates cannot overshoot; settling refunds or charges the difference', async () => {
    const a = await h.make();
    const window = { id: 'w', endsAt: h.now() + 3_600_000 };
    const k = key('reserve', { budget: { maxNanoUsd: 1_000, window } });
    const results = await Promise.all(Array.from({ length: 5 }, () => a.admit({ scopes: [k], tokens: 0, costNanoUsd: 300 })));
    const held = results.filter((r): r is Admitted => r.admitted);
    expect(held).toHaveLength(3);
    for (const r of results) if (!r.admitted) expect(r).toMatchObject({ limit: 'budget', value: 1_000 });
    expect(await a.spent(k.id, window)).toBe(900);
    await a.settleSpend((held[0] as Admitted).lease, 100);
    await a.settleSpend((held[1] as Admitted).lease, 0);
    expect(await a.spent(k.id, window)).toBe(400);
    admitted(await a.admit({ scopes: [k], tokens: 0, costNanoUsd: 600 }));
    expect(await a.spent(k.id, window)).toBe(1_000);
    // At the cap: refused in both modes, and the refusal reserved nothing.
    refused(await a.admit({ scopes: [k], tokens: 0 }));
    refused(await a.admit({ scopes: [k], tokens: 0, costNanoUsd: 1 }));
    expect(await a.spent(k.id, window)).toBe(1_000);
  });

  test('several refusals: a budget wins; otherwise the limit with the longest wait is named', async () => {
    const a = await h.make();
    const window = { id: 'w', endsAt: h.now() + 3_600_000 };
    const rate = key('rate', { rpm: 1, maxParallel: 1 });
    const broke = team('broke', { budget: { maxNanoUsd: 1, window } });
    await a.recordSpend(broke.id, window, 1);
    admitted(await a.admit({ scopes: [rate], tokens: 0 }));
    expect(refused(await a.admit({ scopes: [rate, broke], tokens: 0 })).limit).toBe('budget');
    // rpm frees in about a minute, the parallel hint is 1 s: rpm is what a client must wait for.
    expect(refused(await a.admit({ scopes: [rate], tokens: 0 })).limit).toBe('rpm');
  });

  test('counts must be integers', async () => {
    const a = await h.make();
    // Thrown by a store that answers synchronously (memory), rejected by one that does not (Redis).
    await expect((async () => a.admit({ scopes: [], tokens: 1.5 }))()).rejects.toBeInstanceOf(RangeError);
    await expect(a.recordSpend(h.id('x'), { id: 'w', endsAt: h.now() + 1000 }, 0.1)).rejects.toBeInstanceOf(RangeError);
  });
}
