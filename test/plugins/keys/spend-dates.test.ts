import { describe, expect, test } from 'vitest';
import { parseSpendDate } from '../../../plugins/keys/spend-dates.ts';

describe('spend log date bounds', () => {
  test('a day is a whole UTC day: the start at midnight, the end including its day', () => {
    expect(parseSpendDate('2026-03-18', 'start')).toBe(Date.UTC(2026, 2, 18));
    expect(parseSpendDate('2026-03-18', 'end')).toBe(Date.UTC(2026, 2, 19));
    expect(parseSpendDate('2024-02-29', 'start')).toBe(Date.UTC(2024, 1, 29));
  });

  test('an ISO date-time is that instant, UTC without an offset', () => {
    expect(parseSpendDate('2026-03-18T10:30:00Z', 'end')).toBe(Date.UTC(2026, 2, 18, 10, 30));
    expect(parseSpendDate('2026-03-18T10:30:00.250+02:00', 'start')).toBe(Date.UTC(2026, 2, 18, 8, 30, 0, 250));
    expect(parseSpendDate('2026-03-18T10:30', 'start')).toBe(Date.UTC(2026, 2, 18, 10, 30));
  });

  test.each(['', '2026-3-18', '2026-02-30', '2025-02-29', '18/03/2026', 'yesterday', '2026-03-18 10:30', '2026-03-18T25:00:00Z', '1710756000'])(
    'rejects %j',
    (text) => {
      expect(parseSpendDate(text, 'start')).toBeUndefined();
    },
  );
});
