import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { hashKey } from '../../../../plugins/keys/key-format.ts';
import { openKeysStore } from '../../../../plugins/keys/store/index.ts';
import { sqliteMigrations } from '../../../../plugins/keys/store/migrations/sqlite.ts';
import { postgresMigrations } from '../../../../plugins/keys/store/migrations/postgres.ts';
import { keysStoreContract } from '../../../helpers/keys-store-contract.ts';
import { createSchema, databaseUrl, dropSchemas, queryIn, schemaName } from '../../../helpers/pg-schema.ts';

if (!databaseUrl) console.warn('DATABASE_URL is not set: skipping the PostgreSQL keys store tests');

const child = fileURLToPath(new URL('../../../helpers/pg-migrate-child.ts', import.meta.url));

/** Runs the child under tsx, as a second gateway would start; resolves with its answer. */
function migrateInChild(url: string, schema: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, url, schema], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

describe.skipIf(!databaseUrl)('PostgreSQL keys store', () => {
  const url = databaseUrl as string;
  const schemas: string[] = [];
  afterAll(() => dropSchemas(schemas));
  async function newSchema(label: string): Promise<string> {
    const name = schemaName(label);
    schemas.push(name);
    await createSchema(name);
    return name;
  }

  keysStoreContract(async (now) => (await openKeysStore({ kind: 'postgres', url, schema: await newSchema('contract') }, now)).store);

  test('both dialects have the same migration numbers', () => {
    expect(postgresMigrations.map((m) => m.version)).toEqual(sqliteMigrations.map((m) => m.version));
  });

  test('a version-1 schema keeps its spend rows through version 2 (keyed by their request_id), and a repeated request_id is then a new row', async () => {
    const schema = await newSchema('upgrade');
    await queryIn(schema, 'CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    await queryIn(schema, postgresMigrations[0]?.sql ?? '');
    await queryIn(schema, "INSERT INTO schema_migrations VALUES (1, 'v1', 0)");
    await queryIn(schema, `INSERT INTO spend_logs (request_id, call_type, model, start_time, end_time, request_duration_ms, prompt_tokens, completion_tokens,
      total_tokens, cache_read_input_tokens, cache_creation_input_tokens, reasoning_tokens, spend, cache_hit, status, attempts)
      VALUES ('req-old', 'acompletion', 'gpt-4o-mini', 1, 2, 1, 10, 5, 15, 0, 0, 0, 700, 0, 'success', 1)`);
    const { store, migrated } = await openKeysStore({ kind: 'postgres', url, schema });
    try {
      expect(migrated).toBe(postgresMigrations.length - 1);
      const before = await store.spendLogs({}, { page: 1, size: 10 });
      expect(before.rows.map((r) => [r.log_id, r.request_id, r.spend])).toEqual([['req-old', 'req-old', 700]]);
      const again = { ...(before.rows[0] as (typeof before.rows)[number]), log_id: 'log-new', startTime: 3, endTime: 4 };
      expect(await store.recordSpend([again])).toEqual({ inserted: 1, duplicates: 0 });
      expect((await store.spendLogs({}, { page: 1, size: 10 })).total).toBe(2);
    } finally {
      await store.close();
    }
  });

  test('migrating twice in a row: the second run is a no-op', async () => {
    const schema = await newSchema('twice');
    const first = await openKeysStore({ kind: 'postgres', url, schema });
    expect(first.migrated).toBe(postgresMigrations.length);
    await first.store.close();
    const second = await openKeysStore({ kind: 'postgres', url, schema });
    expect(second.migrated).toBe(0);
    await second.store.close();
    expect(await queryIn(schema, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual(postgresMigrations.map((m) => ({ version: String(m.version) })));
  });

  test('two processes migrating one fresh schema at once: both start, the schema is migrated once', async () => {
    const schema = await newSchema('race');
    const [a, b] = await Promise.all([migrateInChild(url, schema), migrateInChild(url, schema)]);
    expect(a?.err).toBe('');
    expect(b?.err).toBe('');
    expect([a?.code, b?.code]).toEqual([0, 0]);
    const applied = [a, b].map((r) => (JSON.parse(r?.out ?? '') as { migrated: number }).migrated).sort();
    expect(applied).toEqual([0, postgresMigrations.length]);
    expect(await queryIn(schema, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual(postgresMigrations.map((m) => ({ version: String(m.version) })));
    const tables = await queryIn(schema, `SELECT table_name FROM information_schema.tables WHERE table_schema = '${schema}' ORDER BY table_name`);
    expect(tables.map((t) => t.table_name)).toEqual(['audit_log', 'keys', 'schema_migrations', 'spend_daily', 'spend_logs', 'teams']);
    // Two Node starts under tsx on a shared 2-core machine: generous, and not a timing assertion.
  }, 60_000);

  test('two instances flushing batches for the same keys at once: every cent counted, no deadlock', async () => {
    const schema = await newSchema('batches');
    const a = (await openKeysStore({ kind: 'postgres', url, schema })).store;
    const b = (await openKeysStore({ kind: 'postgres', url, schema })).store;
    try {
      const keys = [hashKey('one'), hashKey('two'), hashKey('three')];
      for (const token of keys) await a.createKey({ token, key_name: 'sk-...x', team_id: 'eng' });
      await a.createTeam({ team_id: 'eng' });
      const t = Date.UTC(2026, 2, 18, 12);
      let n = 0;
      const row = (api_key: string, model: string) => ({
        log_id: `r${++n}`, request_id: `r${n}`, call_type: 'acompletion', api_key, key_alias: null, team_id: 'eng', user: null, model,
        model_group: null, custom_llm_provider: null, model_id: null, startTime: t + n, endTime: t + n, completionStartTime: null,
        request_duration_ms: 1, prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0, reasoning_tokens: 0, spend: 10, cache_hit: false, status: 'success' as const,
        status_code: 200, error_type: null, attempts: 1, metadata: {},
      });
      // Each batch touches every key and both models, in an order of its own.
      const batches = Array.from({ length: 12 }, (_, i) => {
        const order = i % 2 === 0 ? keys : [...keys].reverse();
        return order.flatMap((k) => [row(k, i % 3 === 0 ? 'm1' : 'm2'), row(k, i % 3 === 0 ? 'm2' : 'm1')]);
      });
      await Promise.all(batches.map((batch, i) => (i % 2 === 0 ? a : b).recordSpend(batch)));
      for (const token of keys) expect((await b.getKey(token))?.spend).toBe(12 * 2 * 10);
      expect((await a.getTeam('eng'))?.spend).toBe(12 * 6 * 10);
      const daily = await b.dailySpend({});
      expect(daily.reduce((sum, d) => sum + d.requests, 0)).toBe(72);
      expect(daily.reduce((sum, d) => sum + d.spend, 0)).toBe(720);
      // Master-key rows lock no key row: only the roll-ups' own order keeps these batches apart.
      const models = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
      const master = Array.from({ length: 16 }, (_, i) =>
        (i % 2 === 0 ? models : [...models].reverse()).map((m) => ({ ...row(keys[0] ?? '', m), api_key: null, team_id: null })),
      );
      await Promise.all(master.map((batch, i) => (i % 2 === 0 ? a : b).recordSpend(batch)));
      const masterDaily = (await a.dailySpend({})).filter((d) => d.api_key === null);
      expect(masterDaily.map((d) => [d.model, d.requests])).toEqual(models.map((m) => [m, 16]));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 60_000);

  test('a store in another schema sees none of these rows', async () => {
    const [s1, s2] = [await newSchema('iso'), await newSchema('iso')];
    const one = (await openKeysStore({ kind: 'postgres', url, schema: s1 })).store;
    const two = (await openKeysStore({ kind: 'postgres', url, schema: s2 })).store;
    try {
      await one.createTeam({ team_id: 'only-in-one' });
      expect(await two.getTeam('only-in-one')).toBeUndefined();
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
