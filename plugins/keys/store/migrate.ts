import { toInt, type SqlRunner } from './sql.ts';

/** One numbered step of a dialect's schema. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** One or more statements, run in one transaction (both dialects have transactional DDL). */
  readonly sql: string;
}

/** A runner that can also run a multi-statement script (schema DDL). */
export interface MigrationRunner extends SqlRunner {
  exec(sql: string): Promise<void>;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`;

/**
 * Applies the missing migrations in order, each in its own transaction, and returns how many ran.
 * The caller holds whatever lock keeps other processes out (an advisory lock on PostgreSQL);
 * each step re-checks inside its transaction, so a step that another process applied is skipped.
 *
 * @param begin the dialect's transaction start (`BEGIN IMMEDIATE` takes SQLite's write lock at once)
 */
export async function runMigrations(
  r: MigrationRunner,
  migrations: readonly Migration[],
  begin: string,
  now: () => number,
): Promise<number> {
  await r.exec(CREATE_TABLE);
  let applied = 0;
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    await r.exec(begin);
    try {
      const done = await r.all('SELECT version FROM schema_migrations WHERE version = ?', [m.version]);
      if (done.length === 0) {
        await r.exec(m.sql);
        await r.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, now()]);
        applied += 1;
      }
      await r.exec('COMMIT');
    } catch (err) {
      await r.exec('ROLLBACK');
      throw err;
    }
  }
  return applied;
}

/** The versions recorded as applied, ascending. */
export async function appliedVersions(r: SqlRunner): Promise<number[]> {
  const rows = await r.all('SELECT version FROM schema_migrations ORDER BY version');
  return rows.map((row) => toInt(row.version));
}
