import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import { UniqueViolation } from './errors.ts';
import { runMigrations, type MigrationRunner } from './migrate.ts';
import { Checkpointer } from './sqlite-checkpointer.ts';
import { sqliteMigrations } from './migrations/sqlite.ts';
import type { SqlDb, SqlParam, SqlRow, SqlRunner } from './sql.ts';

export interface SqliteDb extends SqlDb {
  /** Applies the missing migrations; returns how many ran. */
  migrate(): Promise<number>;
}

/**
 * Opens (creating the folder and file if needed) an SQLite database in WAL mode.
 * better-sqlite3 is a native module: it is imported here, only when the embedded store is used.
 */
export async function openSqliteDb(file: string, now: () => number = Date.now): Promise<SqliteDb> {
  const { default: Sqlite } = await import('better-sqlite3');
  mkdirSync(dirname(file), { recursive: true });
  const db = new Sqlite(file);
  db.pragma('journal_mode = WAL');
  // Another process (a CLI next to the gateway) may hold the write lock for a moment.
  db.pragma('busy_timeout = 5000');
  // WAL + NORMAL: a power cut may lose the last commits, never corrupt the file.
  db.pragma('synchronous = NORMAL');
  return new SqliteAdapter(db, file, now);
}

class SqliteAdapter implements SqliteDb {
  readonly dialect = 'sqlite';
  readonly #db: Database;
  readonly #now: () => number;
  readonly #statements = new Map<string, Statement>();
  readonly #direct: MigrationRunner;
  readonly #file: string;
  /** Started with the first write: a store only read (a CLI listing keys) needs no thread. */
  #checkpointer: Checkpointer | undefined;
  /**
   * better-sqlite3 is synchronous, but a transaction's callback awaits between statements: every
   * call goes through this queue, so no other call can land inside an open transaction.
   */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(db: Database, file: string, now: () => number) {
    this.#db = db;
    this.#file = file;
    this.#now = now;
    this.#direct = {
      all: async (sql, params) => this.#guard(() => this.#prepare(sql).all(...(params ?? [])) as SqlRow[]),
      run: async (sql, params) => this.#guard(() => this.#prepare(sql).run(...(params ?? [])).changes),
      exec: async (sql) => {
        this.#db.exec(sql);
      },
    };
  }

  all(sql: string, params?: readonly SqlParam[]): Promise<SqlRow[]> {
    return this.#exclusive(() => this.#direct.all(sql, params));
  }

  run(sql: string, params?: readonly SqlParam[]): Promise<number> {
    return this.#exclusive(() => this.#direct.run(sql, params));
  }

  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.#exclusive(async () => {
      if (this.#checkpointer === undefined) this.#startCheckpointer();
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.#direct);
        this.#db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  migrate(): Promise<number> {
    return this.#exclusive(() => runMigrations(this.#direct, sqliteMigrations, 'BEGIN IMMEDIATE', this.#now));
  }

  async close(): Promise<void> {
    await this.#exclusive(async () => {
      await this.#checkpointer?.close();
      // The last connection to close checkpoints what is left and removes the WAL.
      this.#db.close();
    });
  }

  #startCheckpointer(): void {
    this.#db.pragma('wal_autocheckpoint = 0');
    this.#checkpointer = new Checkpointer({
      file: this.#file,
      // Without the worker, SQLite's own checkpoints on this connection keep the WAL bounded.
      onFailure: () => {
        if (this.#db.open) this.#db.pragma('wal_autocheckpoint = 1000');
      },
    });
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  #prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      // IN lists and multi-row inserts make texts of many lengths: keep the cache bounded.
      if (this.#statements.size >= 256) this.#statements.clear();
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      const message = err instanceof Error ? err.message : '';
      const m = /^UNIQUE constraint failed: ([\w.]+)/.exec(message);
      if (m?.[1] !== undefined) throw new UniqueViolation(m[1], err);
      throw err;
    }
  }
}
