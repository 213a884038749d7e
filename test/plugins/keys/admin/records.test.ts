import { expect, test } from 'vitest';
import { currentResetAt, iso } from '../../../../plugins/keys/admin/records.ts';

const T0 = Date.UTC(2026, 2, 18, 12);

test('iso: ms to ISO, null stays null', () => {
  expect(iso(T0)).toBe('2026-03-18T12:00:00.000Z');
  expect(iso(null)).toBeNull();
});

test('the reset time shown is the current window’s, not a stale stored one', () => {
  const stored = Date.UTC(2026, 2, 19);
  expect(currentResetAt({ budget_duration: '1d', budget_reset_at: stored }, T0)).toBe(stored);
  expect(currentResetAt({ budget_duration: '1d', budget_reset_at: stored }, Date.UTC(2026, 2, 21, 5))).toBe(Date.UTC(2026, 2, 22));
  expect(currentResetAt({ budget_duration: 'monthly', budget_reset_at: Date.UTC(2026, 3, 1) }, Date.UTC(2026, 5, 9))).toBe(Date.UTC(2026, 6, 1));
  expect(currentResetAt({ budget_duration: null, budget_reset_at: null }, T0)).toBeNull();
});
