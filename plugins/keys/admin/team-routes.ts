import { randomUUID } from 'node:crypto';
import { invalidParam } from 'switchyard';
import { MAX_PAGE_SIZE, type KeyRow, type KeysStore, type Page, type TeamRow } from '../store/index.ts';
import { storeCall, teamNotFound } from './errors.ts';
import { isEmpty, refuseUnsupported, teamPatchFrom } from './fields.ts';
import { pageQuery, queryValue } from './query.ts';
import { keyRecord, teamRecord, type KeyRecord, type TeamRecord } from './records.ts';
import { teamDeleteSchema, teamNewSchema, teamUpdateSchema, UNSUPPORTED_TEAM_FIELDS } from './schemas.ts';
import type { AdminContext, AdminRoute } from './types.ts';
import { bodyValidator } from './validate.ts';

const validNew = bodyValidator(teamNewSchema);
const validUpdate = bodyValidator(teamUpdateSchema);
const validDelete = bodyValidator(teamDeleteSchema);

export interface TeamInfo {
  readonly team_id: string;
  readonly team_info: TeamRecord;
  readonly keys: readonly KeyRecord[];
}

/** Every row of a paginated list, page by page (teams and a team's keys are few). */
async function allPages<R>(list: (page: number) => Promise<Page<R>>): Promise<R[]> {
  const rows: R[] = [];
  for (let page = 1; ; page += 1) {
    const result = await list(page);
    rows.push(...result.rows);
    if (page >= result.total_pages) return rows;
  }
}

function teamKeys(store: KeysStore, teamId: string): Promise<KeyRow[]> {
  return allPages((page) => store.listKeys({ page, size: MAX_PAGE_SIZE, team_id: teamId }));
}

/** /team/new, /team/update, /team/delete, /team/info, /team/list. */
export function teamRoutes(ctx: AdminContext): AdminRoute[] {
  const { store, now, invalidate, actor } = ctx;
  return [
    {
      method: 'POST',
      path: '/team/new',
      summary: 'Create a team (team_id generated when not given); its models and limits apply to its keys',
      async handle(req): Promise<TeamRecord> {
        const body = validNew(req.body);
        refuseUnsupported(body, UNSUPPORTED_TEAM_FIELDS);
        const { team_id, ...fields } = body;
        const row = await storeCall(() => store.createTeam({ ...teamPatchFrom(fields), team_id: team_id ?? randomUUID() }, { actor }));
        await invalidate({ teams: [row.team_id] });
        return teamRecord(row, now());
      },
    },
    {
      method: 'POST',
      path: '/team/update',
      summary: "Change a team's fields",
      async handle(req): Promise<TeamRecord> {
        const body = validUpdate(req.body);
        refuseUnsupported(body, UNSUPPORTED_TEAM_FIELDS);
        const { team_id, ...fields } = body;
        const patch = teamPatchFrom(fields);
        const at = now();
        if (isEmpty(patch)) {
          const current = await store.getTeam(team_id);
          if (current === undefined) throw teamNotFound();
          return teamRecord(current, at);
        }
        const result = await storeCall(() => store.updateTeam(team_id, patch, { actor }));
        if (result.status !== 'updated') throw teamNotFound();
        await invalidate({ teams: [team_id] });
        return teamRecord(result.row, at);
      },
    },
    {
      method: 'POST',
      path: '/team/delete',
      summary: 'Delete teams and their keys (as LiteLLM does)',
      async handle(req): Promise<{ deleted_teams: string[]; deleted_keys: string[] }> {
        const { team_ids } = validDelete(req.body);
        const deleted = await storeCall(() => store.deleteTeams(team_ids, { actor }));
        if (deleted.teams.length === 0) throw teamNotFound('team_ids');
        await invalidate({ tokens: deleted.keys, teams: deleted.teams });
        return { deleted_teams: deleted.teams, deleted_keys: deleted.keys };
      },
    },
    {
      method: 'GET',
      path: '/team/info',
      summary: 'A team and its keys (?team_id=)',
      async handle(req): Promise<TeamInfo> {
        const teamId = queryValue(req.query, 'team_id');
        if (teamId === undefined) throw invalidParam('team_id', 'team_id is required');
        const team = await store.getTeam(teamId);
        if (team === undefined) throw teamNotFound();
        const at = now();
        const keys = await teamKeys(store, teamId);
        return { team_id: team.team_id, team_info: teamRecord(team, at), keys: keys.map((k) => keyRecord(k, at)) };
      },
    },
    {
      method: 'GET',
      path: '/team/list',
      summary: 'Teams, newest first: all of them, or one page with ?page=&size= (size ≤ 100)',
      async handle(req): Promise<TeamRecord[]> {
        const at = now();
        const paged = queryValue(req.query, 'page') !== undefined || queryValue(req.query, 'size') !== undefined;
        const rows: TeamRow[] = paged
          ? [...(await store.listTeams(pageQuery(req.query, 'size', MAX_PAGE_SIZE))).rows]
          : await allPages((page) => store.listTeams({ page, size: MAX_PAGE_SIZE }));
        return rows.map((t) => teamRecord(t, at));
      },
    },
  ];
}
