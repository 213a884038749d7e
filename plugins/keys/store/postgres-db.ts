import type { Pool, PoolClient } from 'pg';
import { UniqueViolation } from './errors.ts';
import { runMigrations, type MigrationRunner } from './migrate.ts';
import { postgresMigrations } from './migrations/postgres.ts';
import type { SqlDb, SqlParam, SqlRow, SqlRunner } from './sql.ts';

export interface PostgresDbOptions {
  readonly url: string;
  /** Schema for every table (via `search_path`); tests use one per run. Default: the server's. */
  readonly schema?: string;
  /** Pool size (default 5): spend batches and admin calls are few, requests never read here. */
  readonly max?: number;
  /**
   * An idle pooled connection failed (the server restarted). pg emits this on the pool, and an
   * unhandled 'error' event would end the gateway; the next query reconnects or fails on its own.
   */
  readonly onIdleError?: (err: Error) => void;
}

export interface PostgresDb extends SqlDb {
  /** Applies the missing migrations under an advisory lock; returns how many this call ran. */
  migrate(): Promise<number>;
}

/** Unique constraints as PostgreSQL names them by default, as `table.column`. */
const CONSTRAINTS: Readonly<Record<string, string>> = {
  keys_pkey: 'keys.token',
  keys_key_alias_key: 'keys.key_alias',
  teams_pkey: 'teams.team_id',
  spend_logs_pkey: 'spend_logs.log_id',
};

/** Distinguishes our lock from other applications' advisory locks on the same server. */
const LOCK_CLASS = 0x5717c4;

/** Connects a pool; `pg` is imported here, only when `DATABASE_URL` selects PostgreSQL. */
export async function openPostgresDb(options: PostgresDbOptions, now: () => number = Date.now): Promise<PostgresDb> {
  const { default: pg } = await import('pg');
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) {
    throw new Error(`schema name must be lowercase letters, digits and _: ${options.schema}`);
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 5,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  pool.on('error', options.onIdleError ?? (() => undefined));
  return new PostgresAdapter(pool, now);
}

/** `?` placeholders to `$1, $2, …` (our SQL has no `?` inside literals). */
function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

function mapError(err: unknown): unknown {
  const e = err as { code?: unknown; constraint?: unknown };
  if (e.code === '23505' && typeof e.constraint === 'string') {
    return new UniqueViolation(CONSTRAINTS[e.constraint] ?? e.constraint, err);
  }
  return err;
}

function runnerOf(client: Pool | PoolClient): MigrationRunner {
  return {
    async all(sql, params) {
      try {
        return (await client.query(numbered(sql), params === undefined ? [] : [...params])).rows as SqlRow[];
      } catch (err) {
        throw mapError(err);
      }
    },
    async run(sql, params) {
      try {
        return (await client.query(numbered(sql), params === undefined ? [] : [...params])).rowCount ?? 0;
      } catch (err) {
        throw mapError(err);
      }
    },
    async exec(sql) {
      // No parameters: the simple query protocol, which runs several statements.
      await client.query(sql);
    },
  };
}

class PostgresAdapter implements PostgresDb {
  readonly dialect = 'postgres';
  readonly #pool: Pool;
  readonly #now: () => number;
  readonly #runner: MigrationRunner;

  constructor(pool: Pool, now: () => number) {
    this.#pool = pool;
    this.#now = now;
    this.#runner = runnerOf(pool);
  }

  all(sql: string, params?: readonly SqlParam[]): Promise<SqlRow[]> {
    return this.#runner.all(sql, params);
  }

  run(sql: string, params?: readonly SqlParam[]): Promise<number> {
    return this.#runner.run(sql, params);
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    // A connection whose ROLLBACK failed is in an unknown state: destroyed, not returned to the pool.
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const result = await fn(runnerOf(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
          broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
        });
        throw err;
      }
    } finally {
      client.release(broken);
    }
  }

  async migrate(): Promise<number> {
    const client = await this.#pool.connect();
    // Keyed by schema: instances sharing a schema take turns, other schemas are not held up.
    const lock = [LOCK_CLASS, 'current_schema()'] as const;
    try {
      await client.query(`SELECT pg_advisory_lock(${lock[0]}, hashtext(${lock[1]}))`);
      try {
        return await runMigrations(runnerOf(client), postgresMigrations, 'BEGIN', this.#now);
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${lock[0]}, hashtext(${lock[1]}))`);
      }
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}
