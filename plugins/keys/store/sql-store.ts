import { insertAudit, listAudit } from './audit-queries.ts';
import { insertKey, keyTable, pageKeys, removeKeys, selectKeys } from './key-queries.ts';
import { toKeyRow, toTeamRow } from './rows.ts';
import { insertSpend, pageSpend, selectDaily } from './spend-queries.ts';
import type { SqlDb } from './sql.ts';
import { insertTeam, pageTeams, removeTeams, teamTable } from './team-queries.ts';
import type {
  AuditEntry, AuditQuery, AuditRow, ChangeOptions, DailySpendFilter, DailySpendRow, KeyListQuery, KeyPatch,
  KeyRow, KeysStore, NewKey, NewTeam, Page, PageQuery, RecordSpendResult, SpendFilter, SpendRow, TeamPatch,
  TeamRow, UpdateOptions, UpdateResult,
} from './types.ts';
import { versionedUpdate, type VersionedTable } from './versioned-update.ts';

/**
 * The keys store over either SQL database. Every change runs in one transaction with its audit
 * row. Nothing here is on the request path: the plugin caches key rows and batches spend.
 */
export class SqlKeysStore implements KeysStore {
  readonly dialect: SqlDb['dialect'];
  readonly #db: SqlDb;
  readonly #now: () => number;
  readonly #lock: string;
  readonly #keys: VersionedTable<KeyRow>;
  readonly #teams: VersionedTable<TeamRow>;

  constructor(db: SqlDb, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    this.dialect = db.dialect;
    // SQLite's BEGIN IMMEDIATE already locks the whole database for writing.
    this.#lock = db.dialect === 'postgres' ? ' FOR UPDATE' : '';
    this.#keys = keyTable(this.#lock);
    this.#teams = teamTable(this.#lock);
  }

  createKey(key: NewKey, options: ChangeOptions = {}): Promise<KeyRow> {
    return this.#db.transaction((tx) => insertKey(tx, key, this.#now(), options));
  }

  async getKey(token: string): Promise<KeyRow | undefined> {
    const [row] = await this.#db.all('SELECT * FROM keys WHERE token = ?', [token]);
    return row === undefined ? undefined : toKeyRow(row);
  }

  getKeys(tokens: readonly string[]): Promise<KeyRow[]> {
    return selectKeys(this.#db, tokens);
  }

  async getKeyByAlias(alias: string): Promise<KeyRow | undefined> {
    const [row] = await this.#db.all('SELECT * FROM keys WHERE key_alias = ?', [alias]);
    return row === undefined ? undefined : toKeyRow(row);
  }

  updateKey(token: string, patch: KeyPatch, options: UpdateOptions = {}): Promise<UpdateResult<KeyRow>> {
    return this.#update(this.#keys, 'key', token, patch, options, 'key.update');
  }

  regenerateKey(
    token: string,
    next: { readonly token: string; readonly key_name: string },
    patch: KeyPatch = {},
    options: UpdateOptions = {},
  ): Promise<UpdateResult<KeyRow>> {
    const extra = [['token', next.token], ['key_name', next.key_name]] as const;
    return this.#update(this.#keys, 'key', token, patch, options, 'key.regenerate', extra);
  }

  deleteKeys(which: { readonly tokens?: readonly string[]; readonly aliases?: readonly string[] }, options: ChangeOptions = {}): Promise<string[]> {
    return this.#db.transaction((tx) => removeKeys(tx, which, this.#now(), options));
  }

  listKeys(query: KeyListQuery): Promise<Page<KeyRow>> {
    return pageKeys(this.#db, query);
  }

  createTeam(team: NewTeam, options: ChangeOptions = {}): Promise<TeamRow> {
    return this.#db.transaction((tx) => insertTeam(tx, team, this.#now(), options));
  }

  async getTeam(teamId: string): Promise<TeamRow | undefined> {
    const [row] = await this.#db.all('SELECT * FROM teams WHERE team_id = ?', [teamId]);
    return row === undefined ? undefined : toTeamRow(row);
  }

  updateTeam(teamId: string, patch: TeamPatch, options: UpdateOptions = {}): Promise<UpdateResult<TeamRow>> {
    return this.#update(this.#teams, 'team', teamId, patch, options, 'team.update');
  }

  deleteTeams(teamIds: readonly string[], options: ChangeOptions = {}): Promise<{ teams: string[]; keys: string[] }> {
    return this.#db.transaction((tx) => removeTeams(tx, teamIds, this.#now(), options));
  }

  listTeams(query: PageQuery): Promise<Page<TeamRow>> {
    return pageTeams(this.#db, query);
  }

  recordSpend(rows: readonly SpendRow[]): Promise<RecordSpendResult> {
    if (rows.length === 0) return Promise.resolve({ inserted: 0, duplicates: 0 });
    return this.#db.transaction((tx) => insertSpend(tx, rows, this.#lock, this.dialect));
  }

  spendLogs(filter: SpendFilter, page: PageQuery): Promise<Page<SpendRow>> {
    return pageSpend(this.#db, filter, page);
  }

  dailySpend(filter: DailySpendFilter): Promise<DailySpendRow[]> {
    return selectDaily(this.#db, filter);
  }

  pruneSpend(before: number): Promise<number> {
    return this.#db.run('DELETE FROM spend_logs WHERE start_time < ?', [before]);
  }

  audit(entry: AuditEntry): Promise<void> {
    return insertAudit(this.#db, entry, this.#now());
  }

  auditLog(query: AuditQuery): Promise<Page<AuditRow>> {
    return listAudit(this.#db, query);
  }

  close(): Promise<void> {
    return this.#db.close();
  }

  #update<R extends KeyRow | TeamRow>(
    table: VersionedTable<R>,
    objectType: 'key' | 'team',
    id: string,
    patch: object,
    options: UpdateOptions,
    action: string,
    extra: readonly (readonly [string, string])[] = [],
  ): Promise<UpdateResult<R>> {
    return this.#db.transaction(async (tx) => {
      const now = this.#now();
      const { result, before } = await versionedUpdate(tx, table, id, patch, options.ifVersion, now, extra.map(([c, v]) => [c, v]));
      if (result.status === 'updated' && options.actor !== undefined) {
        const objectId = objectType === 'key' ? (result.row as KeyRow).token : id;
        await insertAudit(tx, { actor: options.actor, action: options.action ?? action, object_type: objectType, object_id: objectId, before: before ?? null, after: result.row }, now);
      }
      return result;
    });
  }
}
