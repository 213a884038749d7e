import { insertAudit } from './audit-queries.ts';
import { encode, encodePatch, TEAM_COLUMNS } from './columns.ts';
import { StoreError, UniqueViolation } from './errors.ts';
import { checkPage, pageOf } from './paging.ts';
import { toKeyRow, toTeamRow } from './rows.ts';
import { marks, toInt, type SqlParam, type SqlRunner } from './sql.ts';
import type { ChangeOptions, NewTeam, Page, PageQuery, TeamRow } from './types.ts';
import { resetAtFor, type VersionedTable } from './versioned-update.ts';

function teamConflict(err: UniqueViolation): StoreError {
  if (err.target === 'teams.team_id') return new StoreError('team_exists', 'this team_id exists already', 'team_id');
  throw err;
}

export function teamTable(lock: string): VersionedTable<TeamRow> {
  return { table: 'teams', id: 'team_id', columns: TEAM_COLUMNS, toRow: toTeamRow, lock, conflict: teamConflict };
}

export async function insertTeam(tx: SqlRunner, team: NewTeam, now: number, options: ChangeOptions): Promise<TeamRow> {
  const { team_id, ...fields } = team;
  if (team_id === '') throw new StoreError('invalid_value', 'team_id may not be empty', 'team_id');
  const sets: [string, SqlParam][] = [
    ['team_id', encode('team_id', 'text', team_id)],
    ...encodePatch(TEAM_COLUMNS, fields),
    ['budget_reset_at', resetAtFor(fields.budget_duration ?? null, now)],
    ['created_at', now],
    ['updated_at', now],
  ];
  let row: TeamRow;
  try {
    const [inserted] = await tx.all(
      `INSERT INTO teams (${sets.map(([c]) => c).join(', ')}) VALUES (${marks(sets.length)}) RETURNING *`,
      sets.map(([, v]) => v),
    );
    row = toTeamRow(inserted ?? {});
  } catch (err) {
    throw err instanceof UniqueViolation ? teamConflict(err) : err;
  }
  if (options.actor !== undefined) {
    await insertAudit(tx, { actor: options.actor, action: options.action ?? 'team.create', object_type: 'team', object_id: row.team_id, before: null, after: row }, now);
  }
  return row;
}

/** Deletes the teams and, as LiteLLM does, their keys; both are audited. */
export async function removeTeams(
  tx: SqlRunner,
  teamIds: readonly string[],
  now: number,
  options: ChangeOptions,
): Promise<{ teams: string[]; keys: string[] }> {
  if (teamIds.length === 0) return { teams: [], keys: [] };
  const list = marks(teamIds.length);
  const teams = (await tx.all(`SELECT * FROM teams WHERE team_id IN (${list})`, teamIds)).map(toTeamRow);
  if (teams.length === 0) return { teams: [], keys: [] };
  const ids = teams.map((t) => t.team_id);
  const keys = (await tx.all(`SELECT * FROM keys WHERE team_id IN (${marks(ids.length)})`, ids)).map(toKeyRow);
  await tx.run(`DELETE FROM keys WHERE team_id IN (${marks(ids.length)})`, ids);
  await tx.run(`DELETE FROM teams WHERE team_id IN (${marks(ids.length)})`, ids);
  if (options.actor !== undefined) {
    for (const k of keys) {
      await insertAudit(tx, { actor: options.actor, action: 'key.delete', object_type: 'key', object_id: k.token, before: k, after: null }, now);
    }
    for (const t of teams) {
      await insertAudit(tx, { actor: options.actor, action: options.action ?? 'team.delete', object_type: 'team', object_id: t.team_id, before: t, after: null }, now);
    }
  }
  return { teams: ids, keys: keys.map((k) => k.token) };
}

export async function pageTeams(r: SqlRunner, q: PageQuery): Promise<Page<TeamRow>> {
  checkPage(q);
  const [count] = await r.all('SELECT COUNT(*) AS n FROM teams');
  const rows = await r.all('SELECT * FROM teams ORDER BY created_at DESC, team_id LIMIT ? OFFSET ?', [q.size, (q.page - 1) * q.size]);
  return pageOf(rows.map(toTeamRow), toInt(count?.n), q);
}
