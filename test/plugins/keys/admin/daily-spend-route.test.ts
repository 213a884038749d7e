import { expect, test } from 'vitest';
import type { SpendRow } from '../../../../plugins/keys/store/index.ts';
import { DAY, forEachStore, T0 } from '../../../helpers/admin-harness.ts';

type Series = { id: string | null; label: string; spend: number[]; requests: number[]; total_spend: number; total_requests: number; total_tokens: number; unpriced_requests: number };
type Answer = { group_by: string; start_date: string; end_date: string; days: string[]; series: Series[]; others: (Omit<Series, 'id' | 'label'> & { groups: number }) | null };

let seq = 0;
function row(fields: Partial<SpendRow>): SpendRow {
  seq += 1;
  return {
    log_id: fields.log_id ?? fields.request_id ?? `log-daily-${seq}`, request_id: `req-daily-${seq}`, call_type: 'acompletion', api_key: null, key_alias: null, team_id: null, user: null,
    model: 'gpt-4o-mini', model_group: 'gpt-4o-mini', custom_llm_provider: 'openai', model_id: null, startTime: T0,
    endTime: T0 + 800, completionStartTime: T0 + 300, request_duration_ms: 800, prompt_tokens: 100, completion_tokens: 20,
    total_tokens: 120, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, reasoning_tokens: 0, spend: 1_000_000,
    cache_hit: false, status: 'success', status_code: 200, error_type: null, attempts: 1, metadata: {}, ...fields,
  };
}

forEachStore((fresh) => {
  test('by model (the default): every day of the range, USD and requests per day, days without spend as 0', async () => {
    const h = await fresh();
    await h.store.recordSpend([
      row({ startTime: T0 - DAY, spend: 2_000_000 }),
      row({ startTime: T0, spend: 3_000_000 }),
      row({ startTime: T0, model: 'gpt-4o', spend: 10_000_000 }),
      row({ startTime: T0, model: 'gpt-4o', spend: null }),
    ]);
    const a = await h.call<Answer>('/spend/daily', { query: { start_date: '2026-03-16', end_date: '2026-03-18' } });
    expect(a.group_by).toBe('model');
    expect(a.days).toEqual(['2026-03-16', '2026-03-17', '2026-03-18']);
    expect(a.series).toEqual([
      { id: 'gpt-4o', label: 'gpt-4o', spend: [0, 0, 0.01], requests: [0, 0, 2], total_spend: 0.01, total_requests: 2, total_tokens: 240, unpriced_requests: 1 },
      { id: 'gpt-4o-mini', label: 'gpt-4o-mini', spend: [0, 0.002, 0.003], requests: [0, 1, 1], total_spend: 0.005, total_requests: 2, total_tokens: 240, unpriced_requests: 0 },
    ]);
    expect(a.others).toBeNull();
  });

  test('by key: labelled by alias or key_name; the master key, deleted and regenerated keys named without a key fragment', async () => {
    const h = await fresh();
    const named = await h.call<{ key: string; token_id: string }>('/key/generate', { body: { key_alias: 'ci-bot' } });
    const bare = await h.call<{ key: string; token_id: string; key_name: string }>('/key/generate', { body: {} });
    const gone = await h.call<{ key: string; token_id: string }>('/key/generate', { body: {} });
    const renamed = await h.call<{ key: string; token_id: string }>('/key/generate', { body: { key_alias: 'rotated' } });
    await h.call('/key/delete', { body: { keys: [gone.token_id] } });
    await h.call('/key/regenerate', { body: { key: renamed.token_id } });
    await h.store.recordSpend([
      row({ api_key: named.token_id, spend: 5_000_000 }),
      row({ api_key: bare.token_id, spend: 4_000_000 }),
      row({ api_key: gone.token_id, spend: 3_000_000 }),
      row({ api_key: renamed.token_id, key_alias: 'rotated', spend: 2_000_000, startTime: T0 - 5 }),
      row({ api_key: renamed.token_id, key_alias: 'rotated', spend: 500_000 }),
      row({ api_key: null, spend: 2_000_000 }),
    ]);
    const a = await h.call<Answer>('/spend/daily', { query: { group_by: 'key', start_date: '2026-03-18', end_date: '2026-03-18' } });
    expect(a.series.map((s) => [s.id, s.label, s.total_spend])).toEqual([
      [named.token_id, 'ci-bot', 0.005],
      [bare.token_id, bare.key_name, 0.004],
      [gone.token_id, `deleted key ${gone.token_id.slice(0, 8)}`, 0.003],
      [renamed.token_id, 'rotated (old key)', 0.0025],
      [null, 'master key', 0.002],
    ]);
    expect(JSON.stringify(a)).not.toContain(named.key);
  });

  test('by team, top N with the rest summed in others; the range defaults to the last 30 days', async () => {
    const h = await fresh();
    await h.call('/team/new', { body: { team_id: 'eng', team_alias: 'Engineering' } });
    await h.store.recordSpend([
      row({ team_id: 'eng', spend: 9_000_000 }),
      row({ team_id: 'ops', spend: 7_000_000 }),
      row({ team_id: 'ops', spend: 1_000_000, startTime: T0 - 29 * DAY }),
      row({ team_id: 'qa', spend: 2_000_000 }),
      row({ team_id: null, spend: 1_000_000 }),
      row({ team_id: 'old', spend: 50_000_000, startTime: T0 - 30 * DAY }),
    ]);
    const a = await h.call<Answer>('/spend/daily', { query: { group_by: 'team', top: '2' } });
    expect([a.start_date, a.end_date, a.days.length]).toEqual(['2026-02-17', '2026-03-18', 30]);
    expect(a.series.map((s) => [s.id, s.label, s.total_spend, s.spend[0], s.spend[29]])).toEqual([
      ['eng', 'Engineering', 0.009, 0, 0.009],
      ['ops', 'ops', 0.008, 0.001, 0.007],
    ]);
    expect(a.others).toMatchObject({ groups: 2, total_spend: 0.003, total_requests: 2 });
    expect(a.others?.spend[29]).toBe(0.003);
  });

  test('labels are distinct: two old hashes with one alias get the start of their hash, teams sharing a name their id', async () => {
    const h = await fresh();
    const first = await h.call<{ key: string; token_id: string }>('/key/generate', { body: { key_alias: 'ci-bot' } });
    const second = await h.call<{ key: string; token_id: string }>('/key/regenerate', { body: { key: first.token_id } });
    const current = await h.call<{ key: string; token_id: string }>('/key/regenerate', { body: { key: second.token_id } });
    await h.call('/team/new', { body: { team_id: 'red', team_alias: 'ops' } });
    await h.store.recordSpend([
      row({ api_key: first.token_id, key_alias: 'ci-bot', team_id: 'ops', spend: 3_000_000 }),
      row({ api_key: second.token_id, key_alias: 'ci-bot', team_id: 'red', spend: 2_000_000 }),
      row({ api_key: current.token_id, key_alias: 'ci-bot', spend: 1_000_000 }),
    ]);
    const byKey = await h.call<Answer>('/spend/daily', { query: { group_by: 'key', start_date: '2026-03-18', end_date: '2026-03-18' } });
    expect(byKey.series.map((s) => [s.id, s.label])).toEqual([
      [first.token_id, `ci-bot (old key) · ${first.token_id.slice(0, 6)}`],
      [second.token_id, `ci-bot (old key) · ${second.token_id.slice(0, 6)}`],
      [current.token_id, 'ci-bot'],
    ]);
    for (const k of [first, second, current]) expect(JSON.stringify(byKey)).not.toContain(k.key);
    // Team `ops` has no record (its id is its label) and team `red`'s alias is `ops`.
    const byTeam = await h.call<Answer>('/spend/daily', { query: { group_by: 'team', start_date: '2026-03-18', end_date: '2026-03-18' } });
    expect(byTeam.series.map((s) => [s.id, s.label])).toEqual([
      ['ops', 'ops · ops'],
      ['red', 'ops · red'],
      [null, 'no team'],
    ]);
  });

  test('groups that cost nothing are left out of the series; their requests still count in others', async () => {
    const h = await fresh();
    await h.store.recordSpend([
      row({ model: 'gpt-4o-mini', spend: 4_000_000 }),
      // A call refused before its body was read: no model, no cost.
      row({ model: '', spend: 0, status: 'failure', status_code: 401, total_tokens: 0 }),
      row({ model: '', spend: 0, status: 'failure', status_code: 401, total_tokens: 0 }),
      // A model without a price: its cost is unknown, never a $0 line.
      row({ model: 'mystery', spend: null }),
    ]);
    const a = await h.call<Answer>('/spend/daily', { query: { start_date: '2026-03-18', end_date: '2026-03-18' } });
    expect(a.series.map((s) => [s.id, s.label, s.total_spend, s.total_requests])).toEqual([['gpt-4o-mini', 'gpt-4o-mini', 0.004, 1]]);
    expect(a.others).toEqual({ groups: 2, spend: [0], requests: [3], total_spend: 0, total_requests: 3, total_tokens: 120, unpriced_requests: 1 });
    // Past `top`, a group with spend comes before one without: the zero ones never take a place.
    const top1 = await h.call<Answer>('/spend/daily', { query: { start_date: '2026-03-18', end_date: '2026-03-18', top: '1' } });
    expect(top1.series.map((s) => s.id)).toEqual(['gpt-4o-mini']);
    // Nothing with spend: no series at all, everything in others.
    const before = await h.call<Answer>('/spend/daily', { query: { start_date: '2026-03-17', end_date: '2026-03-17' } });
    expect([before.series, before.others]).toEqual([[], null]);
  });

  test('refusals name the parameter', async () => {
    const h = await fresh();
    await h.fail('/spend/daily', { query: { group_by: 'user' } }, 400, 'invalid_value', 'group_by');
    await h.fail('/spend/daily', { query: { top: '0' } }, 400, 'invalid_value', 'top');
    await h.fail('/spend/daily', { query: { top: '51' } }, 400, 'invalid_value', 'top');
    await h.fail('/spend/daily', { query: { start_date: '2026-02-30' } }, 400, 'invalid_value', 'start_date');
    await h.fail('/spend/daily', { query: { end_date: '2026-03-18T00:00:00Z' } }, 400, 'invalid_value', 'end_date');
    await h.fail('/spend/daily', { query: { start_date: '2026-03-19', end_date: '2026-03-18' } }, 400, 'invalid_value', 'start_date');
    await h.fail('/spend/daily', { query: { start_date: '2025-03-17', end_date: '2026-03-18' } }, 400, 'invalid_value', 'start_date');
    await h.fail('/spend/daily', { caller: { role: 'key', token: 'a'.repeat(64) } }, 403, 'admin_only');
  });
});
