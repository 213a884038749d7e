import { insertAudit } from './audit-queries.ts';
import { encode, encodePatch, KEY_COLUMNS } from './columns.ts';
import { StoreError, UniqueViolation } from './errors.ts';
import { checkPage, pageOf } from './paging.ts';
import { toKeyRow } from './rows.ts';
import { containsPattern, marks, toInt, type SqlParam, type SqlRunner } from './sql.ts';
import type { ChangeOptions, KeyListQuery, KeyRow, NewKey, Page } from './types.ts';
import { resetAtFor, type VersionedTable } from './versioned-update.ts';

export function keyConflict(err: UniqueViolation): StoreError {
  if (err.target === 'keys.key_alias') return new StoreError('key_alias_taken', 'key_alias is taken', 'key_alias');
  if (err.target === 'keys.token') return new StoreError('key_exists', 'this key exists already', 'key');
  throw err;
}

export function keyTable(lock: string): VersionedTable<KeyRow> {
  return { table: 'keys', id: 'token', columns: KEY_COLUMNS, toRow: toKeyRow, lock, conflict: keyConflict };
}

export async function insertKey(tx: SqlRunner, key: NewKey, now: number, options: ChangeOptions): Promise<KeyRow> {
  const { token, key_name, spend, created_at, ...fields } = key;
  if (token === '') throw new StoreError('invalid_value', 'token may not be empty', 'token');
  const sets: [string, SqlParam][] = [
    ['token', encode('token', 'text', token)],
    ['key_name', encode('key_name', 'text', key_name)],
    ...encodePatch(KEY_COLUMNS, fields),
    ['spend', encode('spend', 'int', spend ?? 0)],
    ['budget_reset_at', resetAtFor(fields.budget_duration ?? null, now)],
    ['created_at', encode('created_at', 'int', created_at ?? now)],
    ['updated_at', now],
  ];
  let row: KeyRow;
  try {
    const [inserted] = await tx.all(
      `INSERT INTO keys (${sets.map(([c]) => c).join(', ')}) VALUES (${marks(sets.length)}) RETURNING *`,
      sets.map(([, v]) => v),
    );
    row = toKeyRow(inserted ?? {});
  } catch (err) {
    throw err instanceof UniqueViolation ? keyConflict(err) : err;
  }
  if (options.actor !== undefined) {
    await insertAudit(tx, { actor: options.actor, action: options.action ?? 'key.create', object_type: 'key', object_id: row.token, before: null, after: row }, now);
  }
  return row;
}

export async function selectKeys(r: SqlRunner, tokens: readonly string[]): Promise<KeyRow[]> {
  if (tokens.length === 0) return [];
  const rows = await r.all(`SELECT * FROM keys WHERE token IN (${marks(tokens.length)})`, tokens);
  return rows.map(toKeyRow);
}

export async function removeKeys(
  tx: SqlRunner,
  which: { readonly tokens?: readonly string[]; readonly aliases?: readonly string[] },
  now: number,
  options: ChangeOptions,
): Promise<string[]> {
  const tokens = which.tokens ?? [];
  const aliases = which.aliases ?? [];
  const where = [
    ...(tokens.length > 0 ? [`token IN (${marks(tokens.length)})`] : []),
    ...(aliases.length > 0 ? [`key_alias IN (${marks(aliases.length)})`] : []),
  ];
  if (where.length === 0) return [];
  const found = (await tx.all(`SELECT * FROM keys WHERE ${where.join(' OR ')}`, [...tokens, ...aliases])).map(toKeyRow);
  if (found.length === 0) return [];
  const hashes = found.map((k) => k.token);
  await tx.run(`DELETE FROM keys WHERE token IN (${marks(hashes.length)})`, hashes);
  if (options.actor !== undefined) {
    for (const k of found) {
      await insertAudit(tx, { actor: options.actor, action: options.action ?? 'key.delete', object_type: 'key', object_id: k.token, before: k, after: null }, now);
    }
  }
  return hashes;
}

export async function pageKeys(r: SqlRunner, q: KeyListQuery): Promise<Page<KeyRow>> {
  checkPage(q);
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (q.team_id !== undefined) {
    where.push('team_id = ?');
    params.push(q.team_id);
  }
  if (q.key_alias !== undefined && q.key_alias !== '') {
    // lower() on both sides: PostgreSQL's LIKE is case-sensitive, SQLite's is not.
    where.push("lower(key_alias) LIKE ? ESCAPE '\\'");
    params.push(containsPattern(q.key_alias));
  }
  const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  const [count] = await r.all(`SELECT COUNT(*) AS n FROM keys ${clause}`, params);
  const rows = await r.all(`SELECT * FROM keys ${clause} ORDER BY created_at DESC, token LIMIT ? OFFSET ?`, [
    ...params, q.size, (q.page - 1) * q.size,
  ]);
  return pageOf(rows.map(toKeyRow), toInt(count?.n), q);
}
