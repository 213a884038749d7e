import { describe, expect, test } from 'vitest';
import { addDuration, parseDuration } from '../../../plugins/keys/duration.ts';

describe('duration grammar', () => {
  test.each([
    ['30s', { count: 30, unit: 's' }],
    ['5m', { count: 5, unit: 'm' }],
    ['1h', { count: 1, unit: 'h' }],
    ['7d', { count: 7, unit: 'd' }],
    ['2w', { count: 2, unit: 'w' }],
    ['1mo', { count: 1, unit: 'mo' }],
    ['12mo', { count: 12, unit: 'mo' }],
    ['hourly', { count: 1, unit: 'h' }],
    ['daily', { count: 1, unit: 'd' }],
    ['weekly', { count: 1, unit: 'w' }],
    ['monthly', { count: 1, unit: 'mo' }],
  ])('%s', (text, expected) => {
    expect(parseDuration(text)).toEqual(expected);
  });

  test.each(['', '0d', '1', 'd', '1y', '1M', '1 d', ' 1d', '1d ', '-1d', '1.5h', '1mon', 'Daily', 'toString', '99999999d'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  test('addDuration: fixed units add milliseconds, months keep the day clamped to the month end', () => {
    const t = Date.UTC(2026, 0, 31, 10, 30);
    expect(addDuration(t, { count: 90, unit: 's' })).toBe(t + 90_000);
    expect(addDuration(t, { count: 2, unit: 'w' })).toBe(t + 14 * 86_400_000);
    expect(addDuration(t, { count: 1, unit: 'mo' })).toBe(Date.UTC(2026, 1, 28, 10, 30));
    expect(addDuration(t, { count: 13, unit: 'mo' })).toBe(Date.UTC(2027, 1, 28, 10, 30));
    expect(addDuration(Date.UTC(2028, 0, 31), { count: 1, unit: 'mo' })).toBe(Date.UTC(2028, 1, 29));
  });
});
