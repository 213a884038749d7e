import { fromJson, toInt, toIntOrNull, toStrOrNull, type SqlRow } from './sql.ts';
import type { AuditObject, AuditRow, DailySpendRow, JsonObject, KeyRow, SpendRow, SpendStatus, TeamRow } from './types.ts';

/** Database rows to records: every integer through toInt (pg gives BIGINT as text). */

export function toKeyRow(r: SqlRow): KeyRow {
  return {
    token: String(r.token),
    key_name: String(r.key_name),
    key_alias: toStrOrNull(r.key_alias),
    spend: toInt(r.spend),
    max_budget: toIntOrNull(r.max_budget),
    soft_budget: toIntOrNull(r.soft_budget),
    budget_duration: toStrOrNull(r.budget_duration),
    budget_reset_at: toIntOrNull(r.budget_reset_at),
    expires: toIntOrNull(r.expires),
    models: fromJson<string[]>(r.models, []),
    tpm_limit: toIntOrNull(r.tpm_limit),
    rpm_limit: toIntOrNull(r.rpm_limit),
    max_parallel_requests: toIntOrNull(r.max_parallel_requests),
    model_rpm_limit: fromJson<Record<string, number>>(r.model_rpm_limit, {}),
    model_tpm_limit: fromJson<Record<string, number>>(r.model_tpm_limit, {}),
    team_id: toStrOrNull(r.team_id),
    user_id: toStrOrNull(r.user_id),
    metadata: fromJson<JsonObject>(r.metadata, {}),
    tags: fromJson<string[]>(r.tags, []),
    blocked: toInt(r.blocked) === 1,
    created_at: toInt(r.created_at),
    updated_at: toInt(r.updated_at),
    last_active: toIntOrNull(r.last_active),
    version: toInt(r.version),
  };
}

export function toTeamRow(r: SqlRow): TeamRow {
  return {
    team_id: String(r.team_id),
    team_alias: toStrOrNull(r.team_alias),
    models: fromJson<string[]>(r.models, []),
    spend: toInt(r.spend),
    max_budget: toIntOrNull(r.max_budget),
    budget_duration: toStrOrNull(r.budget_duration),
    budget_reset_at: toIntOrNull(r.budget_reset_at),
    tpm_limit: toIntOrNull(r.tpm_limit),
    rpm_limit: toIntOrNull(r.rpm_limit),
    max_parallel_requests: toIntOrNull(r.max_parallel_requests),
    metadata: fromJson<JsonObject>(r.metadata, {}),
    blocked: toInt(r.blocked) === 1,
    created_at: toInt(r.created_at),
    updated_at: toInt(r.updated_at),
    version: toInt(r.version),
  };
}

export function toSpendRow(r: SqlRow): SpendRow {
  return {
    log_id: String(r.log_id),
    request_id: String(r.request_id),
    call_type: String(r.call_type),
    api_key: toStrOrNull(r.api_key),
    key_alias: toStrOrNull(r.key_alias),
    team_id: toStrOrNull(r.team_id),
    user: toStrOrNull(r.end_user),
    model: String(r.model),
    model_group: toStrOrNull(r.model_group),
    custom_llm_provider: toStrOrNull(r.custom_llm_provider),
    model_id: toStrOrNull(r.model_id),
    startTime: toInt(r.start_time),
    endTime: toInt(r.end_time),
    completionStartTime: toIntOrNull(r.completion_start_time),
    request_duration_ms: toInt(r.request_duration_ms),
    prompt_tokens: toInt(r.prompt_tokens),
    completion_tokens: toInt(r.completion_tokens),
    total_tokens: toInt(r.total_tokens),
    cache_read_input_tokens: toInt(r.cache_read_input_tokens),
    cache_creation_input_tokens: toInt(r.cache_creation_input_tokens),
    reasoning_tokens: toInt(r.reasoning_tokens),
    spend: toIntOrNull(r.spend),
    cache_hit: toInt(r.cache_hit) === 1,
    status: String(r.status) as SpendStatus,
    status_code: toIntOrNull(r.status_code),
    error_type: toStrOrNull(r.error_type),
    attempts: toInt(r.attempts),
    metadata: fromJson<JsonObject>(r.metadata, {}),
  };
}

/** Column order of spend_logs inserts, matched by spendParams. */
export const SPEND_COLUMNS = [
  'log_id', 'request_id', 'call_type', 'api_key', 'key_alias', 'team_id', 'end_user', 'model', 'model_group',
  'custom_llm_provider', 'model_id', 'start_time', 'end_time', 'completion_start_time', 'request_duration_ms',
  'prompt_tokens', 'completion_tokens', 'total_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens',
  'reasoning_tokens', 'spend', 'cache_hit', 'status', 'status_code', 'error_type', 'attempts', 'metadata',
] as const;

export function spendParams(s: SpendRow): (string | number | null)[] {
  const params = new Array<string | number | null>(SPEND_COLUMNS.length);
  setSpendParams(params, 0, s);
  return params;
}

/**
 * `spendParams`, written into a batch's parameter list at `at` (a list made at its final length:
 * growing a 5,600-entry list by pushes copied it several times per insert).
 */
export function setSpendParams(params: (string | number | null)[], at: number, s: SpendRow): void {
  params[at] = s.log_id;
  params[at + 1] = s.request_id;
  params[at + 2] = s.call_type;
  params[at + 3] = s.api_key;
  params[at + 4] = s.key_alias;
  params[at + 5] = s.team_id;
  params[at + 6] = s.user;
  params[at + 7] = s.model;
  params[at + 8] = s.model_group;
  params[at + 9] = s.custom_llm_provider;
  params[at + 10] = s.model_id;
  params[at + 11] = s.startTime;
  params[at + 12] = s.endTime;
  params[at + 13] = s.completionStartTime;
  params[at + 14] = s.request_duration_ms;
  params[at + 15] = s.prompt_tokens;
  params[at + 16] = s.completion_tokens;
  params[at + 17] = s.total_tokens;
  params[at + 18] = s.cache_read_input_tokens;
  params[at + 19] = s.cache_creation_input_tokens;
  params[at + 20] = s.reasoning_tokens;
  params[at + 21] = s.spend;
  params[at + 22] = s.cache_hit ? 1 : 0;
  params[at + 23] = s.status;
  params[at + 24] = s.status_code;
  params[at + 25] = s.error_type;
  params[at + 26] = s.attempts;
  params[at + 27] = metadataText(s.metadata);
}

/** Most rows carry no metadata: their text is a constant, not a serialisation per row. */
function metadataText(metadata: JsonObject): string {
  for (const _ in metadata) return JSON.stringify(metadata);
  return '{}';
}

export function toDailyRow(r: SqlRow): DailySpendRow {
  // '' stands for "no key" / "no team" in the roll-up's primary key, which cannot hold NULL.
  const orNull = (v: unknown) => (v === '' ? null : toStrOrNull(v));
  return {
    day: String(r.day),
    api_key: orNull(r.api_key),
    team_id: orNull(r.team_id),
    model: String(r.model),
    requests: toInt(r.requests),
    failed_requests: toInt(r.failed_requests),
    prompt_tokens: toInt(r.prompt_tokens),
    completion_tokens: toInt(r.completion_tokens),
    total_tokens: toInt(r.total_tokens),
    spend: toInt(r.spend),
    unpriced_requests: toInt(r.unpriced_requests),
  };
}

export function toAuditRow(r: SqlRow): AuditRow {
  return {
    id: toInt(r.id),
    at: toInt(r.at),
    actor: String(r.actor),
    action: String(r.action),
    object_type: String(r.object_type) as AuditObject,
    object_id: String(r.object_id),
    before: fromJson<JsonObject | null>(r.before_value, null),
    after: fromJson<JsonObject | null>(r.after_value, null),
  };
}
