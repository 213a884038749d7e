import { invalidParam } from 'switchyard';
import { addDuration, parseDuration } from '../duration.ts';
import { usdToNano } from '../money.ts';
import type { JsonObject, KeyPatch, TeamPatch } from '../store/index.ts';
import { unsupportedField } from './errors.ts';
import type { KeyFieldsBody, TeamFieldsBody } from './schemas.ts';

/** LiteLLM's "every model" markers; here `models: []` means every model (a key's ∩ its team's). */
const EVERY_MODEL = new Set(['all-proxy-models', 'all-team-models']);

const DURATION_GRAMMAR = 'must match (\\d+)(s|m|h|d|w|mo) or be hourly, daily, weekly or monthly';

/** A validated key body as a store patch: USD to nano-USD, `duration` to `expires`; only given fields. */
export function keyPatchFrom(body: KeyFieldsBody, now: number, prefix = ''): KeyPatch {
  const patch: { -readonly [K in keyof KeyPatch]: KeyPatch[K] } = {};
  if (body.key_alias !== undefined) patch.key_alias = body.key_alias;
  const expires = expiresFrom(body, now, prefix);
  if (expires !== undefined) patch.expires = expires;
  if (body.models !== undefined) patch.models = modelList(body.models);
  if (body.max_budget !== undefined) patch.max_budget = nano(body.max_budget, prefix + 'max_budget');
  if (body.soft_budget !== undefined) patch.soft_budget = nano(body.soft_budget, prefix + 'soft_budget');
  if (body.budget_duration !== undefined) patch.budget_duration = budgetDuration(body.budget_duration, prefix);
  if (body.tpm_limit !== undefined) patch.tpm_limit = body.tpm_limit;
  if (body.rpm_limit !== undefined) patch.rpm_limit = body.rpm_limit;
  if (body.max_parallel_requests !== undefined) patch.max_parallel_requests = body.max_parallel_requests;
  if (body.model_rpm_limit !== undefined) patch.model_rpm_limit = body.model_rpm_limit ?? {};
  if (body.model_tpm_limit !== undefined) patch.model_tpm_limit = body.model_tpm_limit ?? {};
  if (body.team_id !== undefined) patch.team_id = body.team_id;
  if (body.user_id !== undefined) patch.user_id = body.user_id;
  if (body.metadata !== undefined) patch.metadata = (body.metadata ?? {}) as JsonObject;
  if (body.tags !== undefined) patch.tags = body.tags ?? [];
  if (body.blocked !== undefined) patch.blocked = body.blocked ?? false;
  return patch;
}

/** A validated team body as a store patch. */
export function teamPatchFrom(body: TeamFieldsBody): TeamPatch {
  const patch: { -readonly [K in keyof TeamPatch]: TeamPatch[K] } = {};
  if (body.team_alias !== undefined) patch.team_alias = body.team_alias;
  if (body.models !== undefined) patch.models = modelList(body.models);
  if (body.max_budget !== undefined) patch.max_budget = nano(body.max_budget, 'max_budget');
  if (body.budget_duration !== undefined) patch.budget_duration = budgetDuration(body.budget_duration, '');
  if (body.tpm_limit !== undefined) patch.tpm_limit = body.tpm_limit;
  if (body.rpm_limit !== undefined) patch.rpm_limit = body.rpm_limit;
  if (body.max_parallel_requests !== undefined) patch.max_parallel_requests = body.max_parallel_requests;
  if (body.metadata !== undefined) patch.metadata = (body.metadata ?? {}) as JsonObject;
  if (body.blocked !== undefined) patch.blocked = body.blocked ?? false;
  return patch;
}

/** `duration` (from now) or `expires` (ISO), never both; `null` = never expires. */
function expiresFrom(body: KeyFieldsBody, now: number, prefix: string): number | null | undefined {
  if (body.duration !== undefined && body.expires !== undefined) {
    throw invalidParam(prefix + 'expires', 'send either duration or expires, not both');
  }
  if (body.duration !== undefined) {
    if (body.duration === null) return null;
    const d = parseDuration(body.duration);
    if (d === undefined) throw invalidParam(prefix + 'duration', `duration ${DURATION_GRAMMAR}`);
    return addDuration(now, d);
  }
  if (body.expires !== undefined) return body.expires === null ? null : isoTime(body.expires, prefix + 'expires');
  return undefined;
}

/** An ISO 8601 date or date-time (UTC when no offset is given) as epoch ms, or 400 naming `param`. */
export function isoTime(text: string, param: string): number {
  const iso = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  const at = iso === null ? Number.NaN : Date.parse(iso[1] !== undefined && iso[4] === undefined ? `${text.replace(' ', 'T')}Z` : text.replace(' ', 'T'));
  if (Number.isNaN(at) || at < 0) throw invalidParam(param, `${param} must be an ISO 8601 time`);
  return at;
}

function nano(usd: number | null, param: string): number | null {
  if (usd === null) return null;
  const value = usdToNano(usd);
  if (value === undefined) throw invalidParam(param, `${param} is too large`);
  return value;
}

function budgetDuration(text: string | null, prefix: string): string | null {
  if (text !== null && parseDuration(text) === undefined) {
    throw invalidParam(prefix + 'budget_duration', `budget_duration ${DURATION_GRAMMAR}`);
  }
  return text;
}

function modelList(models: readonly string[] | null): string[] {
  return (models ?? []).filter((m) => !EVERY_MODEL.has(m));
}

/** Refuses LiteLLM fields that would set a limit this gateway does not enforce (empty values pass). */
export function refuseUnsupported(body: object, fields: readonly string[], prefix = ''): void {
  const given = body as Readonly<Record<string, unknown>>;
  for (const field of fields) {
    const value = given[field];
    if (value === undefined || value === null) continue;
    if (typeof value === 'object' && Object.keys(value).length === 0) continue;
    throw unsupportedField(prefix + field);
  }
}

/** Whether a patch changes anything at all. */
export function isEmpty(patch: object): boolean {
  return Object.keys(patch).length === 0;
}
