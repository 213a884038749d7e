import { encodePatch, type ColumnKind } from './columns.ts';
import { StoreError, UniqueViolation } from './errors.ts';
import { firstResetAt } from './spend-accrual.ts';
import type { SqlParam, SqlRow, SqlRunner } from './sql.ts';
import type { UpdateResult } from './types.ts';

/** What differs between updating a key and a team. */
export interface VersionedTable<R> {
  readonly table: 'keys' | 'teams';
  readonly id: 'token' | 'team_id';
  readonly columns: Readonly<Record<string, ColumnKind>>;
  readonly toRow: (r: SqlRow) => R;
  /** ' FOR UPDATE' on PostgreSQL, so the version check and the write see the same row. */
  readonly lock: string;
  /** Turns a unique violation into the admin API's conflict. */
  readonly conflict: (err: UniqueViolation) => StoreError;
}

/**
 * Reads the row (locked), refuses when `ifVersion` is older than the stored version, else writes
 * the patch with `version + 1`. A stale writer gets the newer row back to retry or report.
 * `extra` sets columns that are not admin fields (a new token on regenerate).
 */
export async function versionedUpdate<R extends { readonly version: number; readonly budget_duration: string | null }>(
  tx: SqlRunner,
  t: VersionedTable<R>,
  id: string,
  patch: object,
  ifVersion: number | undefined,
  now: number,
  extra: readonly [string, SqlParam][] = [],
): Promise<{ result: UpdateResult<R>; before?: R }> {
  const [found] = await tx.all(`SELECT * FROM ${t.table} WHERE ${t.id} = ?${t.lock}`, [id]);
  if (found === undefined) return { result: { status: 'not_found' } };
  const before = t.toRow(found);
  if (ifVersion !== undefined && before.version !== ifVersion) return { result: { status: 'stale', row: before }, before };
  const sets = [...encodePatch(t.columns, patch), ...extra];
  const next = (patch as { budget_duration?: string | null }).budget_duration;
  if (next !== undefined && next !== before.budget_duration) {
    // A new window length starts a new window now; the spend so far stays.
    sets.push(['budget_reset_at', resetAtFor(next, now)]);
  }
  sets.push(['updated_at', now]);
  const assignments = sets.map(([column]) => `${column} = ?`).join(', ');
  try {
    const [row] = await tx.all(
      `UPDATE ${t.table} SET ${assignments}, version = version + 1 WHERE ${t.id} = ? RETURNING *`,
      [...sets.map(([, value]) => value), id],
    );
    if (row === undefined) return { result: { status: 'not_found' }, before };
    return { result: { status: 'updated', row: t.toRow(row) }, before };
  } catch (err) {
    throw err instanceof UniqueViolation ? t.conflict(err) : err;
  }
}

/** Validates a `budget_duration` and gives the end of the window that starts at `now`. */
export function resetAtFor(budgetDuration: string | null, now: number): number | null {
  const resetAt = firstResetAt(budgetDuration, now);
  if (budgetDuration !== null && resetAt === null) {
    throw new StoreError('invalid_value', 'budget_duration must match (\\d+)(s|m|h|d|w|mo) or hourly|daily|weekly|monthly', 'budget_duration');
  }
  return resetAt;
}
