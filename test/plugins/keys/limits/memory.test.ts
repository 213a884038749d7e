import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { MemoryAdmission, type Admitted, type Refused } from '../../../../plugins/keys/limits/index.ts';
import { admissionContract } from '../../../helpers/admission-contract.ts';
import { fakeClock } from '../../../helpers/clock.ts';

describe('MemoryAdmission: the admission contract', () => {
  const clock = fakeClock();
  admissionContract({
    make: async (options) => new MemoryAdmission({ ...options, now: clock.now }),
    now: clock.now,
    pass: async (ms) => clock.advance(ms),
    id: (name) => `${name}-${randomUUID().slice(0, 8)}`,
    shortBucketMs: 1_000,
    shortLeaseTtlMs: 60_000,
  });
});

describe('MemoryAdmission: the rolling window to the millisecond', () => {
  // A bucket boundary, so the arithmetic below reads plainly.
  const t0 = 1_700_000_000_000;
  const k = { id: 'k', kind: 'key', rpm: 2 } as const;

  test('a request counts for exactly 60 one-second buckets', async () => {
    const clock = fakeClock(t0);
    const a = new MemoryAdmission({ now: clock.now });
    expect(((await a.admit({ scopes: [k], tokens: 0 })) as Admitted).requests?.resetMs).toBe(60_000);
    clock.advance(30_000);
    await a.admit({ scopes: [k], tokens: 0 });
    clock.advance(29_999);
    const late = (await a.admit({ scopes: [k], tokens: 0 })) as Refused;
    expect(late).toMatchObject({ admitted: false, limit: 'rpm', retryAfterMs: 1 });
    clock.advance(1);
    expect((await a.admit({ scopes: [k], tokens: 0 })).admitted).toBe(true);
    // Now the t0+30 s and t0+60 s requests count: the next slot frees when the t0+30 s bucket leaves.
    expect(await a.admit({ scopes: [k], tokens: 0 })).toMatchObject({ admitted: false, retryAfterMs: 30_000 });
  });

  test('reset and retry-after count from within the current bucket', async () => {
    const clock = fakeClock(t0 + 250);
    const a = new MemoryAdmission({ now: clock.now });
    const first = (await a.admit({ scopes: [{ id: 'k', kind: 'key', rpm: 1, tpm: 100 }], tokens: 10 })) as Admitted;
    expect(first.requests).toEqual({ limit: 1, remaining: 0, resetMs: 59_750 });
    expect(first.tokens).toEqual({ limit: 100, remaining: 90, resetMs: 59_750 });
    clock.advance(500);
    expect(await a.admit({ scopes: [{ id: 'k', kind: 'key', rpm: 1 }], tokens: 0 })).toMatchObject({ retryAfterMs: 59_250 });
  });

  test('a reconcile after the reservation left the window refunds nothing and charges now', async () => {
    const clock = fakeClock(t0);
    const a = new MemoryAdmission({ now: clock.now });
    const scope = { id: 'k', kind: 'key', tpm: 1000 } as const;
    const long = (await a.admit({ scopes: [scope], tokens: 500 })) as Admitted;
    clock.advance(120_000);
    await a.reconcile(long.lease, 100);
    expect(((await a.admit({ scopes: [scope], tokens: 0 })) as Admitted).tokens?.remaining).toBe(1000);
    await a.reconcile(long.lease, 700);
    expect(((await a.admit({ scopes: [scope], tokens: 0 })) as Admitted).tokens?.remaining).toBe(400);
  });

  test('idle scopes, expired leases and ended budget windows leave nothing behind', async () => {
    const clock = fakeClock(t0);
    const a = new MemoryAdmission({ now: clock.now, leaseTtlMs: 1_000 });
    const window = { id: 'w', endsAt: t0 + 10_000 };
    const scope = { id: 'k', kind: 'key', rpm: 5, tpm: 50, maxParallel: 2, budget: { maxNanoUsd: 10, window } } as const;
    await a.admit({ scopes: [scope], tokens: 5 });
    await a.recordSpend('k', window, 3);
    expect(a.size).toBe(4);
    clock.advance(2 * 3_600_000);
    await a.admit({ scopes: [], tokens: 0 });
    expect(a.size).toBe(0);
  });
});
