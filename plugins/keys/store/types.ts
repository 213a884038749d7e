/**
 * The boundary of the keys store: records as the admin API and admission read them, and the
 * store contract that the SQLite and PostgreSQL implementations share.
 *
 * Money is integer nano-USD (1e-9 USD) in a JS `number`: exact up to Number.MAX_SAFE_INTEGER
 * (about 9 million USD per value), which no key, team, window or day reaches in practice; a
 * value past it is refused, never rounded. The columns are 64-bit, so the limit is the API's, not
 * the database's. The admin API shows decimal USD (`spend / 1e9`).
 */

/** Integer nano-USD: 1 USD = 1_000_000_000. */
export type NanoUsd = number;
/** Milliseconds since the Unix epoch (UTC). */
export type EpochMs = number;

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue };
export interface JsonObject {
  readonly [k: string]: JsonValue;
}

/** A virtual key as stored: LiteLLM's field names, never the plaintext. */
export interface KeyRow {
  /** SHA-256 hex of the key (LiteLLM's `token`); the primary key. */
  readonly token: string;
  /** `sk-...` + the last 4 characters. */
  readonly key_name: string;
  readonly key_alias: string | null;
  /** Spend in the current budget window (all-time when there is no `budget_duration`). */
  readonly spend: NanoUsd;
  readonly max_budget: NanoUsd | null;
  readonly soft_budget: NanoUsd | null;
  readonly budget_duration: string | null;
  /** End of the window `spend` belongs to; past it the key's window spend is 0. */
  readonly budget_reset_at: EpochMs | null;
  readonly expires: EpochMs | null;
  /** `[]` = every model. */
  readonly models: readonly string[];
  readonly tpm_limit: number | null;
  readonly rpm_limit: number | null;
  readonly max_parallel_requests: number | null;
  readonly model_rpm_limit: Readonly<Record<string, number>>;
  readonly model_tpm_limit: Readonly<Record<string, number>>;
  readonly team_id: string | null;
  readonly user_id: string | null;
  readonly metadata: JsonObject;
  readonly tags: readonly string[];
  readonly blocked: boolean;
  readonly created_at: EpochMs;
  readonly updated_at: EpochMs;
  /** Time of the last request seen in a spend batch (never written per request). */
  readonly last_active: EpochMs | null;
  /**
   * Bumped by every admin change (not by spend). A cache keeps the row with the higher version,
   * and `updateKey(…, { ifVersion })` refuses to write over a newer row.
   */
  readonly version: number;
}

/** The fields an admin may set on a key. */
export type KeyFields = Omit<
  KeyRow,
  'token' | 'key_name' | 'spend' | 'budget_reset_at' | 'created_at' | 'updated_at' | 'last_active' | 'version'
>;
export type KeyPatch = Partial<KeyFields>;
export interface NewKey extends KeyPatch {
  readonly token: string;
  readonly key_name: string;
  /** Only for imports: a LiteLLM key keeps its spend and creation time. */
  readonly spend?: NanoUsd;
  readonly created_at?: EpochMs;
}

export interface TeamRow {
  readonly team_id: string;
  readonly team_alias: string | null;
  readonly models: readonly string[];
  readonly spend: NanoUsd;
  readonly max_budget: NanoUsd | null;
  readonly budget_duration: string | null;
  readonly budget_reset_at: EpochMs | null;
  readonly tpm_limit: number | null;
  readonly rpm_limit: number | null;
  readonly max_parallel_requests: number | null;
  readonly metadata: JsonObject;
  readonly blocked: boolean;
  readonly created_at: EpochMs;
  readonly updated_at: EpochMs;
  readonly version: number;
}
export type TeamFields = Omit<TeamRow, 'team_id' | 'spend' | 'budget_reset_at' | 'created_at' | 'updated_at' | 'version'>;
export type TeamPatch = Partial<TeamFields>;
export interface NewTeam extends TeamPatch {
  readonly team_id: string;
}

/** One request's spend row, with LiteLLM's field names so `/spend/logs/v2` readers work. */
export interface SpendRow {
  /**
   * The gateway's own id of this row (`newLogId`: time-ordered, unique across instances). A batch
   * retried after an ambiguous failure is recognised by it, never by `request_id`, which is the
   * client's `x-request-id` when it sent one and may repeat.
   */
  readonly log_id: string;
  readonly request_id: string;
  readonly call_type: string;
  /** Token hash of the key, or null for the master key. */
  readonly api_key: string | null;
  readonly key_alias: string | null;
  readonly team_id: string | null;
  readonly user: string | null;
  readonly model: string;
  readonly model_group: string | null;
  readonly custom_llm_provider: string | null;
  readonly model_id: string | null;
  readonly startTime: EpochMs;
  readonly endTime: EpochMs;
  readonly completionStartTime: EpochMs | null;
  readonly request_duration_ms: number;
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly cache_read_input_tokens: number;
  readonly cache_creation_input_tokens: number;
  readonly reasoning_tokens: number;
  /** null when the model has no price: never counted as $0. */
  readonly spend: NanoUsd | null;
  readonly cache_hit: boolean;
  readonly status: SpendStatus;
  readonly status_code: number | null;
  readonly error_type: string | null;
  readonly attempts: number;
  readonly metadata: JsonObject;
}
export type SpendStatus = 'success' | 'failure' | 'aborted';

export interface SpendFilter {
  readonly api_key?: string;
  readonly team_id?: string;
  readonly key_alias?: string;
  readonly model?: string;
  readonly status?: SpendStatus;
  /** `startTime >= start` */
  readonly start?: EpochMs;
  /** `startTime < end` */
  readonly end?: EpochMs;
}

/** One day × key × team × model of spend, kept after the rows themselves are pruned. */
export interface DailySpendRow {
  /** `YYYY-MM-DD` (UTC) of the requests' `startTime`. */
  readonly day: string;
  readonly api_key: string | null;
  readonly team_id: string | null;
  readonly model: string;
  readonly requests: number;
  readonly failed_requests: number;
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly spend: NanoUsd;
  /** Requests whose cost is unknown (`spend: null`), so a chart can say it is incomplete. */
  readonly unpriced_requests: number;
}
export interface DailySpendFilter {
  /** Inclusive `YYYY-MM-DD` bounds. */
  readonly start_day?: string;
  readonly end_day?: string;
  readonly api_key?: string;
  readonly team_id?: string;
  readonly model?: string;
}

export interface RecordSpendResult {
  /** Rows written; a `request_id` already stored is skipped (a retried batch counts once). */
  readonly inserted: number;
  readonly duplicates: number;
}

export type AuditObject = 'key' | 'team';
export interface AuditEntry {
  readonly actor: string;
  /** `key.create`, `key.update`, `key.block`, `team.delete`, … */
  readonly action: string;
  readonly object_type: AuditObject;
  /** The key's token hash or the team id. */
  readonly object_id: string;
  readonly before: KeyRow | TeamRow | JsonObject | null;
  readonly after: KeyRow | TeamRow | JsonObject | null;
}
export interface AuditRow {
  readonly id: number;
  readonly at: EpochMs;
  readonly actor: string;
  readonly action: string;
  readonly object_type: AuditObject;
  readonly object_id: string;
  readonly before: JsonObject | null;
  readonly after: JsonObject | null;
}

export interface PageQuery {
  /** 1-based. */
  readonly page: number;
  /** 1..100. */
  readonly size: number;
}
export interface Page<R> {
  readonly rows: readonly R[];
  readonly total: number;
  readonly page: number;
  readonly size: number;
  readonly total_pages: number;
}
export interface KeyListQuery extends PageQuery {
  readonly team_id?: string;
  /** Case-insensitive substring of `key_alias`. */
  readonly key_alias?: string;
}
export interface AuditQuery extends PageQuery {
  readonly object_type?: AuditObject;
  readonly object_id?: string;
}

/** A change made on someone's behalf: with an actor, the audit row is written in the same transaction. */
export interface ChangeOptions {
  readonly actor?: string;
  /** Overrides the default action name (`key.block` instead of `key.update`). */
  readonly action?: string;
}
export interface UpdateOptions extends ChangeOptions {
  /** Write only if the stored row still has this version. */
  readonly ifVersion?: number;
}
export type UpdateResult<R> =
  | { readonly status: 'updated'; readonly row: R }
  /** The stored row is newer than `ifVersion`; it is returned unchanged. */
  | { readonly status: 'stale'; readonly row: R }
  | { readonly status: 'not_found' };

export interface KeysStore {
  readonly dialect: 'sqlite' | 'postgres';

  /** Throws StoreError `key_exists` / `key_alias_taken`. */
  createKey(key: NewKey, options?: ChangeOptions): Promise<KeyRow>;
  getKey(token: string): Promise<KeyRow | undefined>;
  getKeys(tokens: readonly string[]): Promise<KeyRow[]>;
  getKeyByAlias(alias: string): Promise<KeyRow | undefined>;
  updateKey(token: string, patch: KeyPatch, options?: UpdateOptions): Promise<UpdateResult<KeyRow>>;
  /** Replaces the token (and key_name), keeping spend and everything else; old token stops existing. */
  regenerateKey(
    token: string,
    next: { readonly token: string; readonly key_name: string },
    patch?: KeyPatch,
    options?: UpdateOptions,
  ): Promise<UpdateResult<KeyRow>>;
  /** Deletes by hash and/or alias; returns the hashes deleted (for cache invalidation). */
  deleteKeys(which: { readonly tokens?: readonly string[]; readonly aliases?: readonly string[] }, options?: ChangeOptions): Promise<string[]>;
  listKeys(query: KeyListQuery): Promise<Page<KeyRow>>;

  /** Throws StoreError `team_exists`. */
  createTeam(team: NewTeam, options?: ChangeOptions): Promise<TeamRow>;
  getTeam(teamId: string): Promise<TeamRow | undefined>;
  updateTeam(teamId: string, patch: TeamPatch, options?: UpdateOptions): Promise<UpdateResult<TeamRow>>;
  /** Deletes the teams and their keys (as LiteLLM does); returns both lists. */
  deleteTeams(teamIds: readonly string[], options?: ChangeOptions): Promise<{ teams: string[]; keys: string[] }>;
  listTeams(query: PageQuery): Promise<Page<TeamRow>>;

  /**
   * Writes a batch in one transaction: the rows, each key's and team's window spend and
   * `last_active`, and the daily roll-ups.
   */
  recordSpend(rows: readonly SpendRow[]): Promise<RecordSpendResult>;
  /** Newest first. */
  spendLogs(filter: SpendFilter, page: PageQuery): Promise<Page<SpendRow>>;
  dailySpend(filter: DailySpendFilter): Promise<DailySpendRow[]>;
  /** Retention: deletes spend rows that started before `before`; roll-ups stay. Returns the count. */
  pruneSpend(before: EpochMs): Promise<number>;

  audit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  auditLog(query: AuditQuery): Promise<Page<AuditRow>>;

  close(): Promise<void>;
}
