/**
 * The few things the store needs from a SQL database, so one set of queries serves SQLite and
 * PostgreSQL. Queries are written with `?` placeholders; the PostgreSQL adapter numbers them.
 * Every value crosses as a string, a number or null: booleans are 0/1, JSON is text, times are
 * epoch ms in 64-bit integers. That keeps the SQL identical in both dialects.
 */
export type SqlParam = string | number | null;
export type SqlRow = Readonly<Record<string, unknown>>;
export type Dialect = 'sqlite' | 'postgres';

export interface SqlRunner {
  all(sql: string, params?: readonly SqlParam[]): Promise<SqlRow[]>;
  /** Returns the number of rows changed. */
  run(sql: string, params?: readonly SqlParam[]): Promise<number>;
}

export interface SqlDb extends SqlRunner {
  readonly dialect: Dialect;
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A 64-bit integer column as a number; pg returns BIGINT as a string. */
export function toInt(value: unknown): number {
  const n = typeof value === 'string' || typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new RangeError(`expected a safe integer from the database, got ${String(value)}`);
  }
  return n;
}

export function toIntOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toInt(value);
}

export function toStrOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** A JSON text column; the store wrote it, so a parse failure is a corrupt row and throws. */
export function fromJson<T>(value: unknown, fallback: T): T {
  return typeof value === 'string' && value !== '' ? (JSON.parse(value) as T) : fallback;
}

/** `?, ?, ?` for a list of n values. */
export function marks(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** A LIKE pattern that matches `text` anywhere, with the wildcards in `text` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
