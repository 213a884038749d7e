import { StoreError, UniqueViolation } from './errors.ts';
import { checkPage, pageOf } from './paging.ts';
import { setSpendParams, SPEND_COLUMNS, toDailyRow, toSpendRow } from './rows.ts';
import { accrue, type BudgetState } from './spend-accrual.ts';
import { marks, toInt, toIntOrNull, toStrOrNull, type SqlParam, type SqlRunner } from './sql.ts';
import type { DailySpendFilter, DailySpendRow, Page, PageQuery, RecordSpendResult, SpendFilter, SpendRow } from './types.ts';

/** Most rows per INSERT: 28 parameters each stays far below both dialects' parameter limits. */
const CHUNK = 200;

/**
 * The INSERT sizes a batch is cut into. PostgreSQL: 200 at a time and the rest in one (each a round
 * trip). SQLite: only 200, 50, 10 or 1 rows, so a few statement texts are prepared once and
 * reused; a remainder of any length (1 to 199 rows each flush) would be a new text to prepare and
 * cache every time, and single-row inserts pay the async call per row (both measured slower).
 */
export function insertSizes(rows: number, dialect: 'sqlite' | 'postgres'): number[] {
  const sizes: number[] = [];
  let left = rows;
  for (const size of dialect === 'postgres' ? [CHUNK] : [CHUNK, 50, 10, 1]) {
    while (left >= size) {
      sizes.push(size);
      left -= size;
    }
  }
  if (left > 0) sizes.push(left);
  return sizes;
}

const INT_FIELDS = [
  'startTime', 'endTime', 'request_duration_ms', 'prompt_tokens', 'completion_tokens', 'total_tokens',
  'cache_read_input_tokens', 'cache_creation_input_tokens', 'reasoning_tokens', 'attempts',
] as const satisfies readonly (keyof SpendRow)[];

function check(row: SpendRow): void {
  for (const field of INT_FIELDS) {
    const v = row[field];
    if (!Number.isSafeInteger(v) || v < 0) throw new StoreError('invalid_value', `${field} must be a non-negative integer`, field);
  }
  if (row.spend !== null && (!Number.isSafeInteger(row.spend) || row.spend < 0)) {
    throw new StoreError('invalid_value', 'spend must be null or non-negative integer nano-USD', 'spend');
  }
}

/** The INSERT of `rows` spend rows. Texts are kept: building 200 × 27 placeholders per flush showed in profiles. */
const insertTexts = new Map<string, string>();
function insertText(rows: number, skipSeen: boolean): string {
  const id = `${rows}${skipSeen ? '+' : ''}`;
  let text = insertTexts.get(id);
  if (text === undefined) {
    const values = Array.from({ length: rows }, () => `(${marks(SPEND_COLUMNS.length)})`).join(', ');
    text = `INSERT INTO spend_logs (${SPEND_COLUMNS.join(', ')}) VALUES ${values}${skipSeen ? ' ON CONFLICT (log_id) DO NOTHING RETURNING log_id' : ''}`;
    // PostgreSQL remainders have any length up to 200: bounded all the same.
    if (insertTexts.size < 256) insertTexts.set(id, text);
  }
  return text;
}

/**
 * Inserts one chunk of rows; returns `true` when all of them were written, else the log_ids that
 * were. SQLite first tries a plain INSERT: the usual chunk holds only new rows, and RETURNING a
 * row per insert cost a measured 25 % of the insert. A chunk holding a row already written (a
 * retried batch whose commit went unseen) fails on the primary key; SQLite undoes only that
 * statement, so the chunk is inserted again skipping what is there. PostgreSQL aborts the whole
 * transaction on a failed statement, so it always skips in one statement.
 */
async function insertChunk(tx: SqlRunner, rows: number, params: SqlParam[], dialect: 'sqlite' | 'postgres'): Promise<true | Set<string>> {
  if (dialect === 'sqlite') {
    try {
      await tx.run(insertText(rows, false), params);
      return true;
    } catch (err) {
      if (!(err instanceof UniqueViolation)) throw err;
    }
  }
  const done = await tx.all(insertText(rows, true), params);
  return new Set(done.map((d) => String(d.log_id)));
}

/** The rows with each log_id once (the first kept); the list itself when none repeats, as usual. */
function uniqueByLogId(rows: readonly SpendRow[]): readonly SpendRow[] {
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.log_id)) return [...new Map(rows.map((row) => [row.log_id, row])).values()];
    seen.add(r.log_id);
  }
  return rows;
}

const DAY_MS = 86_400_000;
/** The last day formatted, by its number since the epoch: a batch's rows mostly share one day. */
let lastDay = { n: Number.NaN, text: '' };

/** `YYYY-MM-DD` of a time, in UTC. */
export function utcDay(at: number): string {
  const n = Math.floor(at / DAY_MS);
  if (n !== lastDay.n) lastDay = { n, text: new Date(n * DAY_MS).toISOString().slice(0, 10) };
  return lastDay.text;
}

/**
 * One batch in one transaction: the rows (a log_id seen before is skipped, so a retried batch
 * is not counted twice), then window spend and last_active per key and per team, then the
 * roll-ups. Keys and teams are updated in sorted order so two instances' batches cannot deadlock.
 */
export async function insertSpend(tx: SqlRunner, rows: readonly SpendRow[], lock: string, dialect: 'sqlite' | 'postgres'): Promise<RecordSpendResult> {
  const unique = uniqueByLogId(rows);
  unique.forEach(check);
  const fresh: SpendRow[] = [];
  const width = SPEND_COLUMNS.length;
  let i = 0;
  for (const size of insertSizes(unique.length, dialect)) {
    const params: SqlParam[] = new Array<SqlParam>(size * width);
    for (let j = 0; j < size; j++) setSpendParams(params, j * width, unique[i + j] as SpendRow);
    const written = await insertChunk(tx, size, params, dialect);
    for (let j = 0; j < size; j++) {
      const row = unique[i + j] as SpendRow;
      if (written === true || written.has(row.log_id)) fresh.push(row);
    }
    i += size;
  }
  fresh.sort((a, b) => a.startTime - b.startTime);
  await accrueAll(tx, 'keys', 'token', group(fresh, (r) => r.api_key), lock);
  await accrueAll(tx, 'teams', 'team_id', group(fresh, (r) => r.team_id), lock);
  await rollUp(tx, fresh);
  return { inserted: fresh.length, duplicates: rows.length - fresh.length };
}

function group(rows: readonly SpendRow[], by: (r: SpendRow) => string | null): Map<string, SpendRow[]> {
  const out = new Map<string, SpendRow[]>();
  for (const r of rows) {
    const id = by(r);
    if (id === null) continue;
    const list = out.get(id) ?? [];
    list.push(r);
    out.set(id, list);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

async function accrueAll(
  tx: SqlRunner,
  table: 'keys' | 'teams',
  id: 'token' | 'team_id',
  byId: ReadonlyMap<string, readonly SpendRow[]>,
  lock: string,
): Promise<void> {
  for (const [value, list] of byId) {
    const [found] = await tx.all(`SELECT spend, budget_duration, budget_reset_at FROM ${table} WHERE ${id} = ?${lock}`, [value]);
    // A deleted key's late spend stays in the log; its row is never re-created.
    if (found === undefined) continue;
    let state: BudgetState = {
      spend: toInt(found.spend),
      budget_duration: toStrOrNull(found.budget_duration),
      budget_reset_at: toIntOrNull(found.budget_reset_at),
    };
    for (const r of list) if (r.spend !== null) state = accrue(state, r.spend, r.startTime);
    if (!Number.isSafeInteger(state.spend)) throw new RangeError(`${table} spend would pass the safe integer range`);
    const lastActive = Math.max(...list.map((r) => r.endTime));
    const activity = table === 'keys' ? ', last_active = CASE WHEN last_active IS NULL OR last_active < ? THEN ? ELSE last_active END' : '';
    await tx.run(`UPDATE ${table} SET spend = ?, budget_reset_at = ?${activity} WHERE ${id} = ?`, [
      state.spend, state.budget_reset_at, ...(table === 'keys' ? [lastActive, lastActive] : []), value,
    ]);
  }
}

async function rollUp(tx: SqlRunner, rows: readonly SpendRow[]): Promise<void> {
  const sums = new Map<string, { key: [string, string, string, string]; v: number[] }>();
  for (const r of rows) {
    const day = utcDay(r.startTime);
    const apiKey = r.api_key ?? '';
    const teamId = r.team_id ?? '';
    const id = `${day}\u0000${apiKey}\u0000${teamId}\u0000${r.model}`;
    let entry = sums.get(id);
    if (entry === undefined) {
      entry = { key: [day, apiKey, teamId, r.model], v: [0, 0, 0, 0, 0, 0, 0] };
      sums.set(id, entry);
    }
    // Added in place, in the order of `counters` below: a batch of 500 rows makes 500 of these.
    const v = entry.v as [number, number, number, number, number, number, number];
    v[0] += 1;
    v[1] += r.status === 'success' ? 0 : 1;
    v[2] += r.prompt_tokens;
    v[3] += r.completion_tokens;
    v[4] += r.total_tokens;
    v[5] += r.spend ?? 0;
    v[6] += r.spend === null ? 1 : 0;
  }
  const counters = ['requests', 'failed_requests', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'spend', 'unpriced_requests'];
  const update = counters.map((c) => `${c} = spend_daily.${c} + excluded.${c}`).join(', ');
  // Sorted, like keys and teams: two instances' batches take row locks in one order.
  const ordered = [...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [, { key, v }] of ordered) {
    await tx.run(
      `INSERT INTO spend_daily (day, api_key, team_id, model, ${counters.join(', ')}) VALUES (${marks(4 + counters.length)})
       ON CONFLICT (day, api_key, team_id, model) DO UPDATE SET ${update}`,
      [...key, ...v],
    );
  }
}

function spendWhere(f: SpendFilter): { clause: string; params: SqlParam[] } {
  const where: string[] = [];
  const params: SqlParam[] = [];
  const eq = [['api_key', f.api_key], ['team_id', f.team_id], ['key_alias', f.key_alias], ['model', f.model], ['status', f.status]] as const;
  for (const [column, value] of eq) {
    if (value !== undefined) {
      where.push(`${column} = ?`);
      params.push(value);
    }
  }
  if (f.start !== undefined) {
    where.push('start_time >= ?');
    params.push(f.start);
  }
  if (f.end !== undefined) {
    where.push('start_time < ?');
    params.push(f.end);
  }
  return { clause: where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`, params };
}

export async function pageSpend(r: SqlRunner, f: SpendFilter, q: PageQuery): Promise<Page<SpendRow>> {
  checkPage(q);
  const { clause, params } = spendWhere(f);
  const [count] = await r.all(`SELECT COUNT(*) AS n FROM spend_logs ${clause}`, params);
  const rows = await r.all(
    `SELECT * FROM spend_logs ${clause} ORDER BY start_time DESC, log_id DESC LIMIT ? OFFSET ?`,
    [...params, q.size, (q.page - 1) * q.size],
  );
  return pageOf(rows.map(toSpendRow), toInt(count?.n), q);
}

export async function selectDaily(r: SqlRunner, f: DailySpendFilter): Promise<DailySpendRow[]> {
  const where: string[] = [];
  const params: SqlParam[] = [];
  const conditions = [['day >= ?', f.start_day], ['day <= ?', f.end_day], ['api_key = ?', f.api_key], ['team_id = ?', f.team_id], ['model = ?', f.model]] as const;
  for (const [condition, value] of conditions) {
    if (value !== undefined) {
      where.push(condition);
      params.push(value);
    }
  }
  const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  const rows = await r.all(`SELECT * FROM spend_daily ${clause} ORDER BY day, api_key, team_id, model`, params);
  return rows.map(toDailyRow);
}
