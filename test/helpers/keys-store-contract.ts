import { afterEach, describe, expect, test } from 'vitest';
import { generateKey, hashKey, keyName } from '../../plugins/keys/key-format.ts';
import { StoreError, type KeysStore, type NewKey, type SpendRow } from '../../plugins/keys/store/index.ts';

/** A manual clock: a test moves time by assignment, never by waiting. */
export interface TestClock {
  t: number;
}

/** Opens a fresh, migrated, empty store reading the given clock. */
export type OpenStore = (now: () => number) => Promise<KeysStore>;

const T0 = Date.UTC(2026, 2, 18, 12, 0, 0);
const DAY = 86_400_000;
const USD = 1_000_000_000;

function newKey(fields: Partial<NewKey> = {}): NewKey {
  const key = generateKey();
  return { token: hashKey(key), key_name: keyName(key), ...fields };
}

let seq = 0;
function spendRow(fields: Partial<SpendRow> = {}): SpendRow {
  seq += 1;
  return {
    log_id: fields.log_id ?? fields.request_id ?? `log-${seq}`,
    request_id: `req-${seq}-${Math.random().toString(36).slice(2)}`,
    call_type: 'acompletion',
    api_key: null,
    key_alias: null,
    team_id: null,
    user: null,
    model: 'gpt-4o-mini',
    model_group: 'gpt-4o-mini',
    custom_llm_provider: 'openai',
    model_id: null,
    startTime: T0,
    endTime: T0 + 800,
    completionStartTime: T0 + 300,
    request_duration_ms: 800,
    prompt_tokens: 100,
    completion_tokens: 20,
    total_tokens: 120,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
    reasoning_tokens: 0,
    spend: 27_000,
    cache_hit: false,
    status: 'success',
    status_code: 200,
    error_type: null,
    attempts: 1,
    metadata: {},
    ...fields,
  };
}

async function rejects(p: Promise<unknown>, code: StoreError['code']): Promise<void> {
  const err: unknown = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
}

/** The behaviour every KeysStore must have; run against SQLite and PostgreSQL. */
export function keysStoreContract(open: OpenStore): void {
  const opened: KeysStore[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });
  async function fresh(): Promise<{ s: KeysStore; clock: TestClock }> {
    const clock = { t: T0 };
    const s = await open(() => clock.t);
    opened.push(s);
    return { s, clock };
  }

  describe('keys', () => {
    test('create and read back every field; defaults for the rest', async () => {
      const { s } = await fresh();
      const k = newKey({
        key_alias: 'ci-bot', max_budget: 25 * USD, soft_budget: 20 * USD, expires: T0 + 30 * DAY,
        models: ['gpt-4o', 'anthropic/*'], tpm_limit: 100_000, rpm_limit: 60, max_parallel_requests: 4,
        model_rpm_limit: { 'gpt-4o': 10 }, model_tpm_limit: { 'gpt-4o': 5000 }, team_id: 'eng', user_id: 'ann',
        metadata: { env: 'ci', nested: { n: 1 } }, tags: ['ci'], blocked: false,
      });
      const created = await s.createKey(k);
      expect(created).toEqual({
        ...k, spend: 0, budget_duration: null, budget_reset_at: null, created_at: T0, updated_at: T0, last_active: null, version: 1,
      });
      expect(await s.getKey(k.token)).toEqual(created);
      expect(await s.getKeyByAlias('ci-bot')).toEqual(created);
      const bare = await s.createKey(newKey());
      expect(bare).toMatchObject({ key_alias: null, models: [], model_rpm_limit: {}, metadata: {}, tags: [], blocked: false, max_budget: null });
      expect((await s.getKeys([k.token, bare.token, hashKey('nope')])).map((r) => r.token).sort()).toEqual([k.token, bare.token].sort());
      expect(await s.getKey(hashKey('nope'))).toBeUndefined();
      expect(await s.getKeys([])).toEqual([]);
    });

    test('a taken token is key_exists, a taken alias key_alias_taken; nothing is written', async () => {
      const { s } = await fresh();
      const k = await s.createKey(newKey({ key_alias: 'a' }));
      await rejects(s.createKey({ ...newKey(), token: k.token }), 'key_exists');
      await rejects(s.createKey(newKey({ key_alias: 'a' })), 'key_alias_taken');
      expect((await s.listKeys({ page: 1, size: 10 })).total).toBe(1);
    });

    test('imports keep their spend and creation time', async () => {
      const { s } = await fresh();
      const k = await s.createKey({ ...newKey(), spend: 1_500_000_000, created_at: T0 - 100 * DAY });
      expect(k).toMatchObject({ spend: 1_500_000_000, created_at: T0 - 100 * DAY, updated_at: T0 });
    });

    test('values are checked: unknown fields, bad durations, fractional or unsafe money', async () => {
      const { s } = await fresh();
      const k = await s.createKey(newKey());
      await rejects(s.updateKey(k.token, { spend: 5 } as never), 'invalid_value');
      await rejects(s.updateKey(k.token, { budget_duration: '1y' }), 'invalid_value');
      await rejects(s.updateKey(k.token, { max_budget: 1.5 }), 'invalid_value');
      await rejects(s.updateKey(k.token, { max_budget: Number.MAX_SAFE_INTEGER + 1 }), 'invalid_value');
      await rejects(s.updateKey(k.token, { max_budget: -1 }), 'invalid_value');
      await rejects(s.createKey(newKey({ budget_duration: 'often' })), 'invalid_value');
      expect((await s.getKey(k.token))?.version).toBe(1);
    });

    test('update writes the patch, bumps version and updated_at, leaves the rest', async () => {
      const { s, clock } = await fresh();
      const k = await s.createKey(newKey({ rpm_limit: 10, models: ['a'] }));
      clock.t = T0 + 1000;
      const r = await s.updateKey(k.token, { rpm_limit: 20, blocked: true, key_alias: 'x', max_budget: null });
      expect(r.status).toBe('updated');
      expect(r.status === 'updated' && r.row).toEqual({ ...k, rpm_limit: 20, blocked: true, key_alias: 'x', updated_at: T0 + 1000, version: 2 });
      expect(await s.updateKey(hashKey('nope'), { rpm_limit: 1 })).toEqual({ status: 'not_found' });
      await s.createKey(newKey({ key_alias: 'y' }));
      await rejects(s.updateKey(k.token, { key_alias: 'y' }), 'key_alias_taken');
    });

    test('a stale update loses to a newer one and gets the newer row back', async () => {
      const { s } = await fresh();
      const k = await s.createKey(newKey({ rpm_limit: 10 }));
      // Two admins read version 1; the first blocks the key, the second (stale) tries to raise a limit.
      const first = await s.updateKey(k.token, { blocked: true }, { ifVersion: 1 });
      expect(first.status).toBe('updated');
      const second = await s.updateKey(k.token, { blocked: false, rpm_limit: 99 }, { ifVersion: 1 });
      expect(second.status).toBe('stale');
      expect(second.status === 'stale' && second.row).toMatchObject({ blocked: true, rpm_limit: 10, version: 2 });
      expect(await s.getKey(k.token)).toMatchObject({ blocked: true, rpm_limit: 10, version: 2 });
      const retried = await s.updateKey(k.token, { rpm_limit: 99 }, { ifVersion: 2 });
      expect(retried.status === 'updated' && retried.row).toMatchObject({ blocked: true, rpm_limit: 99, version: 3 });
    });

    test('concurrent versioned updates: exactly one wins', async () => {
      const { s } = await fresh();
      const k = await s.createKey(newKey());
      const results = await Promise.all([1, 2, 3, 4].map((n) => s.updateKey(k.token, { rpm_limit: n }, { ifVersion: 1 })));
      expect(results.filter((r) => r.status === 'updated')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'stale')).toHaveLength(3);
      expect((await s.getKey(k.token))?.version).toBe(2);
    });

    test('budget_duration sets budget_reset_at to the end of the current window; a change restarts it', async () => {
      const { s, clock } = await fresh();
      const k = await s.createKey(newKey({ budget_duration: 'daily', max_budget: USD }));
      expect(k.budget_reset_at).toBe(Date.UTC(2026, 2, 19));
      clock.t = T0 + 5000;
      const r = await s.updateKey(k.token, { budget_duration: '1h' });
      expect(r.status === 'updated' && r.row.budget_reset_at).toBe(T0 + 5000 + 3_600_000);
      const cleared = await s.updateKey(k.token, { budget_duration: null });
      expect(cleared.status === 'updated' && cleared.row.budget_reset_at).toBeNull();
    });

    test('delete by hash and by alias returns the hashes deleted', async () => {
      const { s } = await fresh();
      const a = await s.createKey(newKey());
      const b = await s.createKey(newKey({ key_alias: 'bee' }));
      const c = await s.createKey(newKey());
      const deleted = await s.deleteKeys({ tokens: [a.token, hashKey('nope')], aliases: ['bee', 'nobody'] });
      expect(deleted.sort()).toEqual([a.token, b.token].sort());
      expect(await s.getKey(a.token)).toBeUndefined();
      expect(await s.getKeyByAlias('bee')).toBeUndefined();
      expect(await s.getKey(c.token)).toBeDefined();
      expect(await s.deleteKeys({})).toEqual([]);
      expect(await s.deleteKeys({ tokens: [a.token] })).toEqual([]);
    });

    test('list: newest first, pages of at most 100, by team, alias search case-insensitive and literal', async () => {
      const { s, clock } = await fresh();
      const aliases = ['Prod-API', 'prod-batch', 'staging', '50%_off', null];
      for (const [i, alias] of aliases.entries()) {
        clock.t = T0 + i;
        await s.createKey(newKey({ key_alias: alias, team_id: i < 2 ? 'prod' : null }));
      }
      const p1 = await s.listKeys({ page: 1, size: 2 });
      expect(p1).toMatchObject({ total: 5, page: 1, size: 2, total_pages: 3 });
      expect(p1.rows.map((r) => r.key_alias)).toEqual([null, '50%_off']);
      const p3 = await s.listKeys({ page: 3, size: 2 });
      expect(p3.rows.map((r) => r.key_alias)).toEqual(['Prod-API']);
      expect((await s.listKeys({ page: 4, size: 2 })).rows).toEqual([]);
      expect((await s.listKeys({ page: 1, size: 10, team_id: 'prod' })).rows.map((r) => r.key_alias)).toEqual(['prod-batch', 'Prod-API']);
      expect((await s.listKeys({ page: 1, size: 10, key_alias: 'PROD' })).total).toBe(2);
      expect((await s.listKeys({ page: 1, size: 10, key_alias: '%' })).rows.map((r) => r.key_alias)).toEqual(['50%_off']);
      expect((await s.listKeys({ page: 1, size: 10, key_alias: '_' })).rows.map((r) => r.key_alias)).toEqual(['50%_off']);
      expect((await s.listKeys({ page: 1, size: 10, key_alias: 'prod', team_id: 'none' })).total).toBe(0);
      await rejects(s.listKeys({ page: 1, size: 101 }), 'invalid_value');
      await rejects(s.listKeys({ page: 0, size: 10 }), 'invalid_value');
    });

    test('regenerate: a new token and key_name, the old token gone, spend and the rest kept', async () => {
      const { s, clock } = await fresh();
      const k = await s.createKey({ ...newKey({ key_alias: 'r', rpm_limit: 5 }), spend: 123 });
      const fresh2 = newKey();
      clock.t = T0 + 10;
      const r = await s.regenerateKey(k.token, { token: fresh2.token, key_name: fresh2.key_name }, { rpm_limit: 6 });
      expect(r.status === 'updated' && r.row).toEqual({
        ...k, token: fresh2.token, key_name: fresh2.key_name, rpm_limit: 6, updated_at: T0 + 10, version: 2,
      });
      expect(await s.getKey(k.token)).toBeUndefined();
      expect(await s.getKey(fresh2.token)).toMatchObject({ spend: 123, key_alias: 'r' });
      expect(await s.regenerateKey(k.token, newKey())).toEqual({ status: 'not_found' });
      const other = await s.createKey(newKey());
      await rejects(s.regenerateKey(fresh2.token, { token: other.token, key_name: 'x' }), 'key_exists');
    });
  });

  describe('teams', () => {
    test('new, info, update with versions, list, and delete with their keys', async () => {
      const { s, clock } = await fresh();
      const t = await s.createTeam({ team_id: 'eng', team_alias: 'Engineering', models: ['gpt-4o'], max_budget: 100 * USD, budget_duration: 'monthly', rpm_limit: 100 });
      expect(t).toEqual({
        team_id: 'eng', team_alias: 'Engineering', models: ['gpt-4o'], spend: 0, max_budget: 100 * USD, budget_duration: 'monthly',
        budget_reset_at: Date.UTC(2026, 3, 1), tpm_limit: null, rpm_limit: 100, max_parallel_requests: null, metadata: {},
        blocked: false, created_at: T0, updated_at: T0, version: 1,
      });
      await rejects(s.createTeam({ team_id: 'eng' }), 'team_exists');
      clock.t = T0 + 1;
      await s.createTeam({ team_id: 'ops' });
      expect(await s.getTeam('eng')).toEqual(t);
      expect(await s.getTeam('nope')).toBeUndefined();
      const u = await s.updateTeam('eng', { tpm_limit: 9000 }, { ifVersion: 1 });
      expect(u.status === 'updated' && u.row).toMatchObject({ tpm_limit: 9000, version: 2, updated_at: T0 + 1 });
      expect((await s.updateTeam('eng', { blocked: true }, { ifVersion: 1 })).status).toBe('stale');
      expect(await s.updateTeam('nope', { blocked: true })).toEqual({ status: 'not_found' });
      const list = await s.listTeams({ page: 1, size: 100 });
      expect(list.rows.map((r) => r.team_id)).toEqual(['ops', 'eng']);
      const k1 = await s.createKey(newKey({ team_id: 'eng' }));
      const k2 = await s.createKey(newKey({ team_id: 'ops' }));
      const gone = await s.deleteTeams(['eng', 'nope']);
      expect(gone).toEqual({ teams: ['eng'], keys: [k1.token] });
      expect(await s.getKey(k1.token)).toBeUndefined();
      expect(await s.getKey(k2.token)).toBeDefined();
      expect(await s.deleteTeams([])).toEqual({ teams: [], keys: [] });
    });
  });

  describe('spend', () => {
    test('a batch adds to key and team spend and last_active; a retried batch counts once', async () => {
      const { s } = await fresh();
      const k = await s.createKey(newKey({ team_id: 'eng' }));
      await s.createTeam({ team_id: 'eng' });
      const rows = [
        spendRow({ api_key: k.token, team_id: 'eng', spend: 1000, endTime: T0 + 5 }),
        spendRow({ api_key: k.token, team_id: 'eng', spend: 2500, endTime: T0 + 9 }),
        spendRow({ api_key: k.token, team_id: 'eng', spend: null, status: 'failure', status_code: 502 }),
        spendRow({ api_key: null, team_id: null, spend: 7 }),
      ];
      expect(await s.recordSpend(rows)).toEqual({ inserted: 4, duplicates: 0 });
      expect(await s.recordSpend(rows.slice(0, 2))).toEqual({ inserted: 0, duplicates: 2 });
      expect(await s.getKey(k.token)).toMatchObject({ spend: 3500, last_active: T0 + 800, version: 1 });
      expect(await s.getTeam('eng')).toMatchObject({ spend: 3500, version: 1 });
      expect(await s.recordSpend([])).toEqual({ inserted: 0, duplicates: 0 });
    });

    test('two requests with the same x-request-id are two rows, both counted (rows are keyed by log_id)', async () => {
      const { s } = await fresh();
      const k = await s.createKey(newKey());
      const first = spendRow({ api_key: k.token, request_id: 'client-reused-id', log_id: 'log-a', spend: 1000 });
      const second = spendRow({ api_key: k.token, request_id: 'client-reused-id', log_id: 'log-b', spend: 2000 });
      expect(await s.recordSpend([first])).toEqual({ inserted: 1, duplicates: 0 });
      expect(await s.recordSpend([second, first])).toEqual({ inserted: 1, duplicates: 1 });
      expect(await s.getKey(k.token)).toMatchObject({ spend: 3000 });
      const page = await s.spendLogs({ api_key: k.token }, { page: 1, size: 10 });
      expect(page.rows.map((r) => [r.log_id, r.request_id]).sort()).toEqual([['log-a', 'client-reused-id'], ['log-b', 'client-reused-id']]);
    });

    test('a log_id twice in one batch is written and charged once (copies of a row are alike; the last one is kept)', async () => {
      const { s } = await fresh();
      const k = await s.createKey(newKey());
      const a = spendRow({ api_key: k.token, log_id: 'log-twice-a', spend: 1000 });
      const again = { ...a, spend: 5000 };
      const b = spendRow({ api_key: k.token, log_id: 'log-twice-b', spend: 20 });
      expect(await s.recordSpend([a, b, again])).toEqual({ inserted: 2, duplicates: 1 });
      expect(await s.getKey(k.token)).toMatchObject({ spend: 5020 });
      const page = await s.spendLogs({ api_key: k.token }, { page: 1, size: 10 });
      expect(page.rows.map((r) => [r.log_id, r.spend]).sort()).toEqual([['log-twice-a', 5000], ['log-twice-b', 20]]);
    });

    test('a row written before, inside a multi-row insert, is skipped and the rest of the chunk written and charged once', async () => {
      const { s } = await fresh();
      const k = await s.createKey(newKey());
      // 12 rows: one insert of 10 and two of 1 on SQLite, one of 12 on PostgreSQL; the 5th was written before.
      const rows = Array.from({ length: 12 }, (_, i) => spendRow({ api_key: k.token, log_id: `log-mixed-${String(i).padStart(2, '0')}`, spend: 100 + i }));
      expect(await s.recordSpend([rows[4] as (typeof rows)[number]])).toEqual({ inserted: 1, duplicates: 0 });
      expect(await s.recordSpend(rows)).toEqual({ inserted: 11, duplicates: 1 });
      expect(await s.recordSpend(rows)).toEqual({ inserted: 0, duplicates: 12 });
      const total = rows.reduce((sum, r) => sum + (r.spend ?? 0), 0);
      expect(await s.getKey(k.token)).toMatchObject({ spend: total });
      const page = await s.spendLogs({ api_key: k.token }, { page: 1, size: 50 });
      expect(page.total).toBe(12);
    });

    test('spend goes to the window the request started in; a new window starts from zero', async () => {
      const { s } = await fresh();
      const k = await s.createKey(newKey({ budget_duration: 'daily', max_budget: USD }));
      await s.recordSpend([spendRow({ api_key: k.token, spend: 400, startTime: T0 })]);
      expect(await s.getKey(k.token)).toMatchObject({ spend: 400, budget_reset_at: Date.UTC(2026, 2, 19) });
      const nextDay = Date.UTC(2026, 2, 19, 8);
      await s.recordSpend([spendRow({ api_key: k.token, spend: 50, startTime: nextDay, endTime: nextDay + 1 })]);
      expect(await s.getKey(k.token)).toMatchObject({ spend: 50, budget_reset_at: Date.UTC(2026, 2, 20) });
      // A row from the day before, flushed late, is logged but not charged to today's window.
      await s.recordSpend([spendRow({ api_key: k.token, spend: 9999, startTime: T0 + 1, endTime: T0 + 2 })]);
      expect(await s.getKey(k.token)).toMatchObject({ spend: 50, last_active: nextDay + 1 });
    });

    test('spend for a deleted key is logged but never re-creates the key', async () => {
      const { s } = await fresh();
      const k = await s.createKey(newKey());
      await s.deleteKeys({ tokens: [k.token] });
      expect((await s.recordSpend([spendRow({ api_key: k.token })])).inserted).toBe(1);
      expect(await s.getKey(k.token)).toBeUndefined();
    });

    test('spend logs: every LiteLLM field round-trips; filters, newest first, pages', async () => {
      const { s } = await fresh();
      const full = spendRow({
        api_key: hashKey('k1'), key_alias: 'one', team_id: 't1', user: 'u1', model_id: 'dep-1', cache_hit: true,
        cache_read_input_tokens: 40, cache_creation_input_tokens: 10, reasoning_tokens: 5, attempts: 2,
        metadata: { tags: ['a'], n: 1 }, status: 'aborted', status_code: null, error_type: 'client_disconnect', completionStartTime: null,
      });
      const rows = [
        full,
        spendRow({ api_key: hashKey('k1'), model: 'claude', startTime: T0 + 1000 }),
        spendRow({ api_key: hashKey('k2'), team_id: 't2', startTime: T0 + 2000, status: 'failure' }),
        spendRow({ startTime: T0 - DAY }),
      ];
      await s.recordSpend(rows);
      const all = await s.spendLogs({}, { page: 1, size: 10 });
      expect(all).toMatchObject({ total: 4, total_pages: 1 });
      expect(all.rows.map((r) => r.startTime)).toEqual([T0 + 2000, T0 + 1000, T0, T0 - DAY]);
      expect(all.rows[2]).toEqual(full);
      const ids = (p: { rows: readonly SpendRow[] }) => p.rows.map((r) => r.request_id);
      expect(ids(await s.spendLogs({ api_key: hashKey('k1') }, { page: 1, size: 10 }))).toEqual([rows[1]?.request_id, full.request_id]);
      expect(ids(await s.spendLogs({ team_id: 't2' }, { page: 1, size: 10 }))).toEqual([rows[2]?.request_id]);
      expect(ids(await s.spendLogs({ key_alias: 'one' }, { page: 1, size: 10 }))).toEqual([full.request_id]);
      expect(ids(await s.spendLogs({ model: 'claude' }, { page: 1, size: 10 }))).toEqual([rows[1]?.request_id]);
      expect(ids(await s.spendLogs({ status: 'failure' }, { page: 1, size: 10 }))).toEqual([rows[2]?.request_id]);
      expect(ids(await s.spendLogs({ start: T0, end: T0 + 2000 }, { page: 1, size: 10 }))).toEqual([rows[1]?.request_id, full.request_id]);
      const page2 = await s.spendLogs({}, { page: 2, size: 3 });
      expect(page2).toMatchObject({ total: 4, page: 2, size: 3, total_pages: 2 });
      expect(ids(page2)).toEqual([rows[3]?.request_id]);
    });

    test('daily roll-ups per day × key × team × model accumulate across batches; retention keeps them', async () => {
      const { s } = await fresh();
      const k = hashKey('k');
      const day2 = T0 + DAY;
      await s.recordSpend([
        spendRow({ api_key: k, team_id: 't', spend: 100 }),
        spendRow({ api_key: k, team_id: 't', spend: null, status: 'failure' }),
        spendRow({ api_key: k, team_id: 't', model: 'claude', spend: 5 }),
      ]);
      await s.recordSpend([spendRow({ api_key: k, team_id: 't', spend: 1 }), spendRow({ startTime: day2, spend: 3 })]);
      const daily = await s.dailySpend({});
      expect(daily).toEqual([
        { day: '2026-03-18', api_key: k, team_id: 't', model: 'claude', requests: 1, failed_requests: 0, prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, spend: 5, unpriced_requests: 0 },
        { day: '2026-03-18', api_key: k, team_id: 't', model: 'gpt-4o-mini', requests: 3, failed_requests: 1, prompt_tokens: 300, completion_tokens: 60, total_tokens: 360, spend: 101, unpriced_requests: 1 },
        { day: '2026-03-19', api_key: null, team_id: null, model: 'gpt-4o-mini', requests: 1, failed_requests: 0, prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, spend: 3, unpriced_requests: 0 },
      ]);
      expect((await s.dailySpend({ start_day: '2026-03-19' })).map((d) => d.day)).toEqual(['2026-03-19']);
      expect((await s.dailySpend({ end_day: '2026-03-18', model: 'claude' })).map((d) => d.spend)).toEqual([5]);
      expect(await s.dailySpend({ team_id: 'nobody' })).toEqual([]);
      expect(await s.pruneSpend(day2)).toBe(4);
      expect((await s.spendLogs({}, { page: 1, size: 10 })).total).toBe(1);
      expect(await s.dailySpend({})).toHaveLength(3);
    });

    test('rows with fractional or negative numbers are refused as a whole batch', async () => {
      const { s } = await fresh();
      await rejects(s.recordSpend([spendRow(), spendRow({ spend: 0.5 })]), 'invalid_value');
      await rejects(s.recordSpend([spendRow({ prompt_tokens: -1 })]), 'invalid_value');
      expect((await s.spendLogs({}, { page: 1, size: 10 })).total).toBe(0);
    });
  });

  describe('audit', () => {
    test('changes made with an actor are audited in the same transaction, with hashes and no plaintext', async () => {
      const { s, clock } = await fresh();
      const plaintext = generateKey();
      const k = await s.createKey({ token: hashKey(plaintext), key_name: keyName(plaintext) }, { actor: 'master' });
      clock.t = T0 + 1;
      await s.updateKey(k.token, { blocked: true }, { actor: 'master', action: 'key.block' });
      await s.updateKey(k.token, { blocked: false }, { actor: 'master', ifVersion: 1 }); // stale: not a change
      await s.createTeam({ team_id: 'eng' }, { actor: 'master' });
      await s.deleteKeys({ tokens: [k.token] }, { actor: 'admin-ui' });
      await s.createKey(newKey()); // no actor: no audit row
      const log = await s.auditLog({ page: 1, size: 100 });
      expect(log.rows.map((r) => [r.action, r.object_type, r.actor])).toEqual([
        ['key.delete', 'key', 'admin-ui'], ['team.create', 'team', 'master'], ['key.block', 'key', 'master'], ['key.create', 'key', 'master'],
      ]);
      const block = log.rows[2];
      expect(block).toMatchObject({ object_id: k.token, at: T0 + 1, before: { blocked: false, version: 1 }, after: { blocked: true, version: 2 } });
      expect(JSON.stringify(log)).not.toContain(plaintext);
      expect(JSON.stringify(log)).not.toContain(plaintext.slice(3, 20));
      const forKey = await s.auditLog({ page: 1, size: 2, object_type: 'key', object_id: k.token });
      expect(forKey).toMatchObject({ total: 3, total_pages: 2 });
      await s.audit({ actor: 'cli', action: 'key.import', object_type: 'key', object_id: 'abc', before: null, after: { imported: 3 } });
      expect((await s.auditLog({ page: 1, size: 1 })).rows[0]).toMatchObject({ actor: 'cli', action: 'key.import', after: { imported: 3 }, before: null });
    });

    test('a failed change leaves no audit row', async () => {
      const { s } = await fresh();
      await s.createKey(newKey({ key_alias: 'a' }), { actor: 'master' });
      await rejects(s.createKey(newKey({ key_alias: 'a' }), { actor: 'master' }), 'key_alias_taken');
      expect((await s.auditLog({ page: 1, size: 10 })).total).toBe(1);
    });
  });
}
