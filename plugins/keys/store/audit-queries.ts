import { toAuditRow } from './rows.ts';
import { toInt, type SqlRunner } from './sql.ts';
import type { AuditEntry, AuditQuery, AuditRow, Page } from './types.ts';
import { pageOf, checkPage } from './paging.ts';

/**
 * Appends an audit row. Rows hold token hashes and records as stored; a plaintext key is never
 * in a record, so it can never reach this table.
 */
export async function insertAudit(r: SqlRunner, entry: AuditEntry, at: number): Promise<void> {
  await r.run(
    `INSERT INTO audit_log (at, actor, action, object_type, object_id, before_value, after_value)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [
      at, entry.actor, entry.action, entry.object_type, entry.object_id,
      entry.before === null ? null : JSON.stringify(entry.before),
      entry.after === null ? null : JSON.stringify(entry.after),
    ],
  );
}

export async function listAudit(r: SqlRunner, q: AuditQuery): Promise<Page<AuditRow>> {
  checkPage(q);
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (q.object_type !== undefined) {
    where.push('object_type = ?');
    params.push(q.object_type);
  }
  if (q.object_id !== undefined) {
    where.push('object_id = ?');
    params.push(q.object_id);
  }
  const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  const [count] = await r.all(`SELECT COUNT(*) AS n FROM audit_log ${clause}`, params);
  const rows = await r.all(`SELECT * FROM audit_log ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`, [
    ...params, q.size, (q.page - 1) * q.size,
  ]);
  return pageOf(rows.map(toAuditRow), toInt(count?.n), q);
}
