import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { openKeysStore, SQLITE_FILE } from '../../../../plugins/keys/store/index.ts';
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
      expect(versions).toEqual([{ version: 1 }]);
    } finally {
      db.close();
    }
  });
});
