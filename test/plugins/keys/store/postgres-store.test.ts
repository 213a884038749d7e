import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
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

  test('migrating twice in a row: the second run is a no-op', async () => {
    const schema = await newSchema('twice');
    const first = await openKeysStore({ kind: 'postgres', url, schema });
    expect(first.migrated).toBe(postgresMigrations.length);
    await first.store.close();
    const second = await openKeysStore({ kind: 'postgres', url, schema });
    expect(second.migrated).toBe(0);
    await second.store.close();
    expect(await queryIn(schema, 'SELECT version FROM schema_migrations')).toEqual([{ version: '1' }]);
  });

  test('two processes migrating one fresh schema at once: both start, the schema is migrated once', async () => {
    const schema = await newSchema('race');
    const [a, b] = await Promise.all([migrateInChild(url, schema), migrateInChild(url, schema)]);
    expect(a?.err).toBe('');
    expect(b?.err).toBe('');
    expect([a?.code, b?.code]).toEqual([0, 0]);
    const applied = [a, b].map((r) => (JSON.parse(r?.out ?? '') as { migrated: number }).migrated).sort();
    expect(applied).toEqual([0, postgresMigrations.length]);
    expect(await queryIn(schema, 'SELECT version FROM schema_migrations')).toEqual([{ version: '1' }]);
    const tables = await queryIn(schema, `SELECT table_name FROM information_schema.tables WHERE table_schema = '${schema}' ORDER BY table_name`);
    expect(tables.map((t) => t.table_name)).toEqual(['audit_log', 'keys', 'schema_migrations', 'spend_daily', 'spend_logs', 'teams']);
    // Two Node starts under tsx on a shared 2-core machine: generous, and not a timing assertion.
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
