import { describe, expect, test } from 'vitest';
import { Lease } from '../../../../plugins/keys/limits/index.ts';
import { unheldLease } from '../../../../plugins/keys/limits/lease.ts';

const window = { id: 'w', endsAt: 0 };
const lease = (): Lease =>
  new Lease({ id: 'l', bucket: 7, tpmScopes: ['k'], parallelScopes: ['k'], budgets: [{ scopeId: 'k', window }], tokens: 100, nanoUsd: 50 });

describe('Lease', () => {
  test('settling tokens or spend returns only the difference from what is already charged', () => {
    const l = lease();
    expect(l.settleTokens(30)).toBe(-70);
    expect(l.settleTokens(30)).toBe(0);
    expect(l.settleTokens(45)).toBe(15);
    expect(l.tokens).toBe(45);
    expect(l.settleSpend(80)).toBe(30);
    expect(l.settleSpend(80)).toBe(0);
    expect(l.nanoUsd).toBe(80);
  });

  test('release is reported once', () => {
    const l = lease();
    expect(l.markReleased()).toBe(true);
    expect(l.markReleased()).toBe(false);
    expect(l.released).toBe(true);
  });

  test('a lease that holds nothing (failed open) never needs the store', () => {
    const l = unheldLease(100, 10);
    expect(l.settleTokens(500)).toBe(0);
    expect(l.settleSpend(99)).toBe(0);
    expect(l.markReleased()).toBe(false);
    expect(l.tokens).toBe(500);
  });
});
