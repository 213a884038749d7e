import { describe, expect, test } from 'vitest';
import type { KeyCall } from '../../../plugins/keys/key-call.ts';
import { MemoryAdmission } from '../../../plugins/keys/limits/index.ts';
import { SoftBudgets } from '../../../plugins/keys/soft-budget.ts';
import type { KeyRow } from '../../../plugins/keys/store/index.ts';
import { captureLog } from '../../helpers/log-capture.ts';

// The soft budget's window, on a given clock (`now` is a parameter: no timers): one warning per
// budget window, and a new window starts from zero. The real gateway's path is in soft-budget.test.ts.

const DAY = 86_400_000;
const day1 = Date.UTC(2026, 11, 1, 10);
const token = 'ab'.repeat(32);

function keyRow(over: Partial<KeyRow> = {}): KeyRow {
  return {
    token,
    key_name: 'sk-...wxyz',
    key_alias: 'window-key',
    spend: 0,
    max_budget: null,
    soft_budget: 100,
    budget_duration: '1d',
    budget_reset_at: null,
    expires: null,
    models: [],
    tpm_limit: null,
    rpm_limit: null,
    max_parallel_requests: null,
    model_rpm_limit: {},
    model_tpm_limit: {},
    team_id: null,
    user_id: null,
    metadata: {},
    tags: [],
    blocked: false,
    created_at: day1 - 30 * DAY,
    updated_at: day1 - 30 * DAY,
    last_active: null,
    version: 1,
    ...over,
  };
}
const callOf = (key: KeyRow): KeyCall => ({ key, team: undefined, lease: undefined, refusal: undefined });

describe('SoftBudgets', () => {
  test('one warning per daily window: the call that reaches it, none after; the next day starts from zero and warns again', async () => {
    const { log, lines } = captureLog('warn');
    const soft = new SoftBudgets(new MemoryAdmission());
    const key = keyRow();
    expect(await soft.afterCall(callOf(key), 60, log, day1)).toBeUndefined();
    expect(await soft.afterCall(callOf(key), 40, log, day1 + 1000)).toBe('key');
    expect(await soft.afterCall(callOf(key), 40, log, day1 + 2000)).toBeUndefined();
    expect(lines.map((l) => [l.msg, l.spend])).toEqual([['keys: soft budget reached (the key keeps working)', 100 / 1e9]]);
    expect(lines[0]).toMatchObject({ key_ref: 'ababab', window_ends: new Date(Date.UTC(2026, 11, 2)).toISOString() });
    // The next UTC day: the counter starts at 0, so 60 is under the budget and 60 more reaches it.
    expect(await soft.afterCall(callOf(key), 60, log, day1 + DAY)).toBeUndefined();
    expect(await soft.afterCall(callOf(key), 60, log, day1 + DAY + 1)).toBe('key');
    expect(lines.map((l) => l.spend)).toEqual([100 / 1e9, 120 / 1e9]);
  });

  test("the window's counter starts from the store's spend for it; a spend from an ended window counts as 0", async () => {
    const { log, lines } = captureLog('warn');
    const soft = new SoftBudgets(new MemoryAdmission());
    // Stored spend 90 for a window that ends at the next midnight: 10 more reaches 100.
    const current = keyRow({ spend: 90, budget_reset_at: Date.UTC(2026, 11, 2) });
    expect(await soft.afterCall(callOf(current), 10, log, day1)).toBe('key');
    // Another key whose stored spend belongs to a window that has ended.
    const stale = keyRow({ token: 'cd'.repeat(32), key_alias: 'stale', spend: 90, budget_reset_at: day1 - 1 });
    expect(await soft.afterCall(callOf(stale), 10, log, day1)).toBeUndefined();
    expect(lines.filter((l) => l.key_alias === 'stale')).toHaveLength(0);
  });

  test('no soft budget, or a call that cost nothing: no check and no counter', async () => {
    const admission = new MemoryAdmission();
    const { log, lines } = captureLog('warn');
    const soft = new SoftBudgets(admission);
    expect(await soft.afterCall(callOf(keyRow({ soft_budget: null })), 500, log, day1)).toBeUndefined();
    expect(await soft.afterCall(callOf(keyRow({ soft_budget: 0 })), 0, log, day1)).toBeUndefined();
    expect(await admission.spent(`key:${token}`, { id: String(Date.UTC(2026, 11, 1)), endsAt: Date.UTC(2026, 11, 2) })).toBe(0);
    expect(lines).toHaveLength(0);
  });

  test('a failing counter store is logged and never thrown: the call is not failed by a soft budget', async () => {
    const { log, lines } = captureLog('warn');
    const admission = new MemoryAdmission();
    admission.recordSpend = () => Promise.reject(new Error('store away'));
    const soft = new SoftBudgets(admission);
    expect(await soft.afterCall(callOf(keyRow()), 500, log, day1)).toBeUndefined();
    expect(lines.map((l) => [l.msg, l.err])).toEqual([['keys: checking the soft budget failed', 'store away']]);
  });
});
