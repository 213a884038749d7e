import { join } from 'node:path';
import { SqlKeysStore } from './sql-store.ts';
import type { KeysStore } from './types.ts';

/** Where the store lives: PostgreSQL when a URL is given, else an SQLite file in a folder. */
export type StoreLocation =
  | { readonly kind: 'sqlite'; readonly dataDir: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string; readonly onIdleError?: (err: Error) => void };

export interface OpenedStore {
  readonly store: KeysStore;
  /** Migrations this start applied (0 when the schema was current). */
  readonly migrated: number;
}

/** The file name of the embedded database inside the data folder. */
export const SQLITE_FILE = 'keys.sqlite';

/**
 * The store location from the environment, as operator.md §1 says: `DATABASE_URL` (postgres:// or
 * postgresql://) selects PostgreSQL, else SQLite in `SWITCHYARD_DATA_DIR` (default `./.switchyard/`).
 */
export function storeLocationFromEnv(env: Readonly<Record<string, string | undefined>>): StoreLocation {
  const url = env.DATABASE_URL;
  if (url !== undefined && /^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  if (url !== undefined && url !== '') throw new Error('DATABASE_URL must be a postgres:// URL');
  return { kind: 'sqlite', dataDir: env.SWITCHYARD_DATA_DIR || './.switchyard' };
}

/**
 * Opens the store and migrates it. The driver of the chosen database is imported here and only
 * here, so a gateway without the keys plugin never loads better-sqlite3 or pg.
 */
export async function openKeysStore(location: StoreLocation, now: () => number = Date.now): Promise<OpenedStore> {
  if (location.kind === 'postgres') {
    const { openPostgresDb } = await import('./postgres-db.ts');
    const db = await openPostgresDb(location, now);
    return { store: new SqlKeysStore(db, now), migrated: await closeOnError(db, () => db.migrate()) };
  }
  const { openSqliteDb } = await import('./sqlite-db.ts');
  const db = await openSqliteDb(join(location.dataDir, SQLITE_FILE), now);
  return { store: new SqlKeysStore(db, now), migrated: await closeOnError(db, () => db.migrate()) };
}

async function closeOnError<T>(db: { close(): Promise<void> }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
