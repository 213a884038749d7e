import { describe, expect, test } from 'vitest';
import { nanoToUsd, usdToNano } from '../../../plugins/keys/money.ts';

describe('money', () => {
  test('USD to integer nano-USD, rounding away binary float noise', () => {
    expect(usdToNano(25.1)).toBe(25_100_000_000);
    expect(usdToNano(0.000_000_15)).toBe(150);
    expect(usdToNano(0)).toBe(0);
    expect(usdToNano(0.1 + 0.2)).toBe(300_000_000);
  });

  test('refuses what it cannot hold exactly or what is not an amount', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 10_000_000]) expect(usdToNano(bad)).toBeUndefined();
    expect(usdToNano(9_000_000)).toBe(9_000_000_000_000_000);
  });

  test('nano-USD back to USD for the API', () => {
    expect(nanoToUsd(25_100_000_000)).toBe(25.1);
    expect(nanoToUsd(150)).toBe(1.5e-7);
  });
});
