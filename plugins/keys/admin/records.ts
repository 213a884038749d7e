import { budgetWindow, windowSpend } from '../budget-window.ts';
import { parseDuration } from '../duration.ts';
import { nanoToUsd } from '../money.ts';
import type { JsonObject, KeyRow, SpendRow, TeamRow } from '../store/index.ts';

/**
 * What the admin API answers: LiteLLM's field names, USD decimals, ISO times. Built from store
 * rows field by field, so a column added to the store never reaches an answer by accident.
 */

/** A key as /key/info, /key/list and the changes answer it: never the plaintext. */
export interface KeyRecord {
  /** The key's hash (LiteLLM's `token`). */
  readonly token_id: string;
  /** `sk-...` + the last 4 characters. */
  readonly key_name: string;
  readonly key_alias: string | null;
  /** USD spent in the current budget window (all-time without `budget_duration`). */
  readonly spend: number;
  readonly max_budget: number | null;
  readonly soft_budget: number | null;
  readonly budget_duration: string | null;
  readonly budget_reset_at: string | null;
  readonly expires: string | null;
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
  readonly created_at: string;
  readonly updated_at: string;
  readonly last_active: string | null;
}

/** /key/generate and /key/regenerate: the record plus the plaintext, shown this once. */
export interface GeneratedKey extends KeyRecord {
  readonly key: string;
}

export interface TeamRecord {
  readonly team_id: string;
  readonly team_alias: string | null;
  readonly models: readonly string[];
  readonly spend: number;
  readonly max_budget: number | null;
  readonly budget_duration: string | null;
  readonly budget_reset_at: string | null;
  readonly tpm_limit: number | null;
  readonly rpm_limit: number | null;
  readonly max_parallel_requests: number | null;
  readonly metadata: JsonObject;
  readonly blocked: boolean;
  readonly created_at: string;
  readonly updated_at: string;
}

/** A spend row as /spend/logs/v2 answers it: spend in USD (null when unpriced), ISO times. */
export interface SpendRecord extends Omit<SpendRow, 'log_id' | 'spend' | 'startTime' | 'endTime' | 'completionStartTime'> {
  readonly spend: number | null;
  readonly startTime: string;
  readonly endTime: string;
  readonly completionStartTime: string | null;
}

/** Epoch ms as an ISO 8601 UTC string (`null` stays `null`). */
export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/**
 * The end of the budget window holding `now`: the stored one while it runs, else the window the
 * clock is in now (no reset job rewrites the row, see budget-window.ts).
 */
export function currentResetAt(r: { budget_duration: string | null; budget_reset_at: number | null }, now: number): number | null {
  const d = r.budget_duration === null ? undefined : parseDuration(r.budget_duration);
  if (d === undefined || r.budget_reset_at === null) return r.budget_reset_at;
  return now < r.budget_reset_at ? r.budget_reset_at : budgetWindow(d, now, r.budget_reset_at).end;
}

/** A key row as the admin API shows it: `spend` is the current window's, in USD. */
export function keyRecord(row: KeyRow, now: number): KeyRecord {
  return {
    token_id: row.token,
    key_name: row.key_name,
    key_alias: row.key_alias,
    spend: nanoToUsd(windowSpend(row, now)),
    max_budget: row.max_budget === null ? null : nanoToUsd(row.max_budget),
    soft_budget: row.soft_budget === null ? null : nanoToUsd(row.soft_budget),
    budget_duration: row.budget_duration,
    budget_reset_at: iso(currentResetAt(row, now)),
    expires: iso(row.expires),
    models: row.models,
    tpm_limit: row.tpm_limit,
    rpm_limit: row.rpm_limit,
    max_parallel_requests: row.max_parallel_requests,
    model_rpm_limit: row.model_rpm_limit,
    model_tpm_limit: row.model_tpm_limit,
    team_id: row.team_id,
    user_id: row.user_id,
    metadata: row.metadata,
    tags: row.tags,
    blocked: row.blocked,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    last_active: iso(row.last_active),
  };
}

/** The answer of generate/regenerate: the only answers that carry the plaintext. */
export function generatedKey(plaintext: string, row: KeyRow, now: number): GeneratedKey {
  return { key: plaintext, ...keyRecord(row, now) };
}

/** A team row as the admin API shows it. */
export function teamRecord(row: TeamRow, now: number): TeamRecord {
  return {
    team_id: row.team_id,
    team_alias: row.team_alias,
    models: row.models,
    spend: nanoToUsd(windowSpend(row, now)),
    max_budget: row.max_budget === null ? null : nanoToUsd(row.max_budget),
    budget_duration: row.budget_duration,
    budget_reset_at: iso(currentResetAt(row, now)),
    tpm_limit: row.tpm_limit,
    rpm_limit: row.rpm_limit,
    max_parallel_requests: row.max_parallel_requests,
    metadata: row.metadata,
    blocked: row.blocked,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** A spend row as /spend/logs/v2 shows it: LiteLLM's fields (the store's own `log_id` is not one). */
export function spendRecord(row: SpendRow): SpendRecord {
  const { log_id: _storeId, ...fields } = row;
  return {
    ...fields,
    spend: row.spend === null ? null : nanoToUsd(row.spend),
    startTime: iso(row.startTime),
    endTime: iso(row.endTime),
    completionStartTime: iso(row.completionStartTime),
  };
}
