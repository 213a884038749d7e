import { describe, expect, test } from 'vitest';
import { budgetWindow, windowSpend } from '../../../plugins/keys/budget-window.ts';
import { parseDuration, type Duration } from '../../../plugins/keys/duration.ts';

const d = (text: string): Duration => {
  const parsed = parseDuration(text);
  if (parsed === undefined) throw new Error(text);
  return parsed;
};
const iso = (w: { start: number; end: number }) => [new Date(w.start).toISOString(), new Date(w.end).toISOString()];
// Wednesday 2026-03-18 14:25:36.789 UTC.
const at = Date.UTC(2026, 2, 18, 14, 25, 36, 789);

describe('budget windows', () => {
  test('daily: UTC midnight to midnight, whatever the anchor', () => {
    expect(iso(budgetWindow(d('daily'), at))).toEqual(['2026-03-18T00:00:00.000Z', '2026-03-19T00:00:00.000Z']);
    expect(budgetWindow(d('1d'), at, Date.UTC(2025, 5, 1, 13))).toEqual(budgetWindow(d('1d'), at));
  });

  test('N days: midnight-aligned N-day grid through the anchor', () => {
    const anchor = Date.UTC(2026, 2, 10, 17); // the grid runs through midnight of the 10th
    expect(iso(budgetWindow(d('7d'), at, anchor))).toEqual(['2026-03-17T00:00:00.000Z', '2026-03-24T00:00:00.000Z']);
    expect(iso(budgetWindow(d('3d'), Date.UTC(2026, 2, 10), anchor))).toEqual(['2026-03-10T00:00:00.000Z', '2026-03-13T00:00:00.000Z']);
  });

  test('weekly: Monday 00:00 UTC to the next Monday', () => {
    expect(iso(budgetWindow(d('weekly'), at))).toEqual(['2026-03-16T00:00:00.000Z', '2026-03-23T00:00:00.000Z']);
    // A Sunday just before midnight is still in the week that began on the Monday before.
    const sunday = Date.UTC(2026, 2, 22, 23, 59, 59, 999);
    expect(iso(budgetWindow(d('1w'), sunday))).toEqual(['2026-03-16T00:00:00.000Z', '2026-03-23T00:00:00.000Z']);
    expect(iso(budgetWindow(d('2w'), at, Date.UTC(2026, 2, 11)))).toEqual(['2026-03-09T00:00:00.000Z', '2026-03-23T00:00:00.000Z']);
  });

  test('monthly: the 1st to the 1st, across year ends and leap years', () => {
    expect(iso(budgetWindow(d('monthly'), at))).toEqual(['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z']);
    expect(iso(budgetWindow(d('1mo'), Date.UTC(2026, 11, 31, 23)))).toEqual(['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    expect(iso(budgetWindow(d('1mo'), Date.UTC(2028, 1, 29, 12)))).toEqual(['2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z']);
    expect(iso(budgetWindow(d('3mo'), at, Date.UTC(2025, 10, 20)))).toEqual(['2026-02-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z']);
  });

  test('seconds, minutes, hours roll from the anchor (the last reset), or start now', () => {
    expect(budgetWindow(d('30s'), at)).toEqual({ start: at, end: at + 30_000 });
    const anchor = at - 95_000;
    expect(budgetWindow(d('30s'), at, anchor)).toEqual({ start: anchor + 90_000, end: anchor + 120_000 });
    expect(budgetWindow(d('hourly'), at, at + 1)).toEqual({ start: at + 1 - 3_600_000, end: at + 1 });
    expect(budgetWindow(d('5m'), at, at)).toEqual({ start: at, end: at + 300_000 });
  });

  test('a window always holds its time, start inclusive, end exclusive', () => {
    for (const text of ['45s', '7m', '5h', '1d', '6d', '1w', '3w', '1mo', '5mo']) {
      for (const t of [at, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) - 1, Date.UTC(2027, 6, 4, 3)]) {
        const w = budgetWindow(d(text), t, Date.UTC(2025, 7, 9, 8, 7, 6));
        expect(w.start).toBeLessThanOrEqual(t);
        expect(w.end).toBeGreaterThan(t);
      }
    }
  });

  test('windowSpend: the stored spend counts only until the window ends', () => {
    expect(windowSpend({ spend: 500, budget_reset_at: at }, at - 1)).toBe(500);
    expect(windowSpend({ spend: 500, budget_reset_at: at }, at)).toBe(0);
    expect(windowSpend({ spend: 500, budget_reset_at: null }, at)).toBe(500);
  });
});
