import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { openKeysStore, SQLITE_FILE } from '../../../../plugins/keys/store/index.ts';
import { sqliteMigrations } from '../../../../plugins/keys/store/migrations/sqlite.ts';
import { mkdirSync } from 'node:fs';
import { keysStoreContract } from '../../../helpers/keys-store-contract.ts';

const root = mkdtempSync(join(tmpdir(), 'sy-keys-sqlite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dataDir = () => join(root, `store-${++n}`, 'nested');

describe('SQLite keys store', () => {
  keysStoreContract(async (now) => (await openKeysStore({ kind: 'sqlite', dataDir: dataDir() }, now)).store);

  test('first open creates the folder and file, in WAL mode; a second open migrates nothing', async () => {
    const dir = dataDir();
    const first = await openKeysStore({ kind: 'sqlite', dataDir: dir });
    expect(first.migrated).toBeGreaterThan(0);
    await first.store.close();
    const again = await openKeysStore({ kind: 'sqlite', dataDir: dir });
    expect(again.migrated).toBe(0);
    await again.store.close();
    const db = new Sqlite(join(dir, SQLITE_FILE), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const versions = db.prepare('SELECT version FROM schema_migrations').all();
      expect(versions).toEqual([{ version: 1 }, { version: 2 }]);
    } finally {
      db.close();
    }
  });

  test('a version-1 file keeps its spend rows through version 2 (keyed by their request_id), and a repeated request_id is then a new row', async () => {
    const dir = dataDir();
    mkdirSync(dir, { recursive: true });
    const old = new Sqlite(join(dir, SQLITE_FILE));
    try {
      old.exec('CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      old.exec(sqliteMigrations[0]?.sql ?? '');
      old.prepare('INSERT INTO schema_migrations VALUES (1, ?, 0)').run(sqliteMigrations[0]?.name ?? '');
      old.prepare(`INSERT INTO spend_logs (request_id, call_type, model, start_time, end_time, request_duration_ms, prompt_tokens, completion_tokens,
        total_tokens, cache_read_input_tokens, cache_creation_input_tokens, reasoning_tokens, spend, cache_hit, status, attempts)
        VALUES ('req-old', 'acompletion', 'gpt-4o-mini', 1, 2, 1, 10, 5, 15, 0, 0, 0, 700, 0, 'success', 1)`).run();
    } finally {
      old.close();
    }
    const { store, migrated } = await openKeysStore({ kind: 'sqlite', dataDir: dir });
    try {
      expect(migrated).toBe(sqliteMigrations.length - 1);
      const before = await store.spendLogs({}, { page: 1, size: 10 });
      expect(before.rows.map((r) => [r.log_id, r.request_id, r.spend])).toEqual([['req-old', 'req-old', 700]]);
      const again = { ...(before.rows[0] as (typeof before.rows)[number]), log_id: 'log-new', startTime: 3, endTime: 4 };
      expect(await store.recordSpend([again])).toEqual({ inserted: 1, duplicates: 0 });
      expect((await store.spendLogs({}, { page: 1, size: 10 })).total).toBe(2);
    } finally {
      await store.close();
    }
  });
});
