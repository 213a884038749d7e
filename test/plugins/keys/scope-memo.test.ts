import { describe, expect, test } from 'vitest';
import { ScopeMemo, scopesFor } from '../../../plugins/keys/scopes.ts';
import type { KeyRow, TeamRow } from '../../../plugins/keys/store/index.ts';

// The memo hands admission the same scopes `scopesFor` builds, and never an entry past its
// budget window or for a record that has since changed.

const DAY = 86_400_000;
const day1 = Date.UTC(2026, 11, 1, 10);

function keyRow(over: Partial<KeyRow> = {}): KeyRow {
  return {
    token: 'cd'.repeat(32), key_name: 'sk-...wxyz', key_alias: 'memo-key', spend: 0, max_budget: 5_000, soft_budget: null,
    budget_duration: '1d', budget_reset_at: null, expires: null, models: [], tpm_limit: 1000, rpm_limit: 10,
    max_parallel_requests: null, model_rpm_limit: { 'gpt-4o': 3 }, model_tpm_limit: {}, team_id: null, user_id: null,
    metadata: {}, tags: [], blocked: false, created_at: day1 - 30 * DAY, updated_at: day1 - 30 * DAY, last_active: null, version: 1,
    ...over,
  };
}

function teamRow(over: Partial<TeamRow> = {}): TeamRow {
  return {
    team_id: 'team-a', team_alias: null, models: [], spend: 0, max_budget: 9_000, budget_duration: '1mo', budget_reset_at: null,
    tpm_limit: null, rpm_limit: 100, max_parallel_requests: null, metadata: {}, blocked: false, created_at: day1 - DAY,
    updated_at: day1 - DAY, version: 1, ...over,
  };
}

describe('ScopeMemo', () => {
  test('gives what scopesFor gives, and the same entry to the next call in the window', () => {
    const memo = new ScopeMemo();
    const key = keyRow();
    const first = memo.get(key, undefined, 'gpt-4o', day1);
    expect(first.scopes).toEqual(scopesFor(key, undefined, 'gpt-4o', day1));
    expect(first.hasBudget).toBe(true);
    expect(first.hasTpm).toBe(true);
    expect(memo.get(key, undefined, 'gpt-4o', day1 + 60_000)).toBe(first);
    // Another model has its own key-model scope (or none).
    const other = memo.get(key, undefined, 'gpt-4o-mini', day1);
    expect(other.scopes.map((s) => s.kind)).toEqual(['key']);
    expect(first.scopes.map((s) => s.kind)).toEqual(['key', 'key-model']);
  });

  test('a new budget window, a changed key record or team record builds the scopes again', () => {
    const memo = new ScopeMemo();
    const key = keyRow({ team_id: 'team-a' });
    const team = teamRow();
    const first = memo.get(key, team, 'gpt-4o', day1);
    expect(first.until).toBe(Date.UTC(2026, 11, 2));
    const nextDay = memo.get(key, team, 'gpt-4o', Date.UTC(2026, 11, 2));
    expect(nextDay).not.toBe(first);
    expect(nextDay.scopes[0]?.budget?.window.id).toBe(String(Date.UTC(2026, 11, 2)));
    const updated = keyRow({ team_id: 'team-a', rpm_limit: 20 });
    expect(memo.get(updated, team, 'gpt-4o', Date.UTC(2026, 11, 2)).scopes[0]?.rpm).toBe(20);
    const teamUpdated = teamRow({ rpm_limit: 50 });
    expect(memo.get(updated, teamUpdated, 'gpt-4o', Date.UTC(2026, 11, 2)).scopes[1]?.rpm).toBe(50);
  });

  test('a key without limits has no scopes and never goes stale', () => {
    const memo = new ScopeMemo();
    const free = keyRow({ max_budget: null, tpm_limit: null, rpm_limit: null, model_rpm_limit: {} });
    const entry = memo.get(free, undefined, 'any', day1);
    expect(entry.scopes).toEqual([]);
    expect(entry.until).toBe(Number.POSITIVE_INFINITY);
    expect(memo.get(free, undefined, 'any', day1 + 400 * DAY)).toBe(entry);
  });

  test('client-chosen model names are bounded per key', () => {
    const memo = new ScopeMemo();
    const key = keyRow();
    const first = memo.get(key, undefined, 'm-0', day1);
    for (let i = 1; i <= 64; i++) memo.get(key, undefined, `m-${i}`, day1);
    expect(memo.get(key, undefined, 'm-0', day1)).not.toBe(first);
  });
});
