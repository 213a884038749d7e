import { budgetWindow } from './budget-window.ts';
import { parseDuration } from './duration.ts';
import type { BudgetLimit, BudgetWindow as LimitWindow, ScopeLimits } from './limits/index.ts';
import type { KeyRow, TeamRow } from './store/index.ts';

/** A budget with no `budget_duration` never resets: one window to the end of time. */
const forever = Object.freeze({ id: 'all', endsAt: Date.UTC(9999, 0, 1) });

/** The budget window of a record at `now`, as admission counts it. */
export function budgetLimit(record: Pick<KeyRow, 'max_budget' | 'budget_duration' | 'budget_reset_at' | 'created_at'>, now: number): BudgetLimit | undefined {
  if (record.max_budget === null) return undefined;
  return { maxNanoUsd: record.max_budget, window: spendWindow(record, now) };
}

/**
 * The window a record's spend counts in at `now` (its `budget_duration`'s): shared by `max_budget`
 * and `soft_budget`, so both read the same counter.
 */
export function spendWindow(record: Pick<KeyRow, 'budget_duration' | 'budget_reset_at' | 'created_at'>, now: number): LimitWindow {
  const duration = record.budget_duration === null ? undefined : parseDuration(record.budget_duration);
  if (duration === undefined) return forever;
  // Rolling windows (s/m/h) run on the grid through the record's last reset; calendar ones align in UTC.
  const w = budgetWindow(duration, now, record.budget_reset_at ?? record.created_at);
  return { id: String(w.start), endsAt: w.end };
}

/**
 * Every limit that applies to one call: the key's, its team's, and the key's for this model.
 * Scope ids carry the token hash or team id (counter names in Redis), never a plaintext key.
 * Owners without any limit are left out, so an unlimited key costs no admission at all.
 */
export function scopesFor(key: KeyRow, team: TeamRow | undefined, model: string, now: number): ScopeLimits[] {
  const scopes: ScopeLimits[] = [];
  const keyScope = limitsOf(`key:${key.token}`, 'key', key, budgetLimit(key, now));
  if (keyScope !== undefined) scopes.push(keyScope);
  if (team !== undefined) {
    const teamScope = limitsOf(`team:${team.team_id}`, 'team', team, budgetLimit({ ...team, created_at: team.created_at }, now));
    if (teamScope !== undefined) scopes.push(teamScope);
  }
  const rpm = key.model_rpm_limit[model];
  const tpm = key.model_tpm_limit[model];
  if (rpm !== undefined || tpm !== undefined) {
    scopes.push({ id: `km:${key.token}:${model}`, kind: 'key-model', ...(rpm === undefined ? {} : { rpm }), ...(tpm === undefined ? {} : { tpm }) });
  }
  return scopes;
}

function limitsOf(
  id: string,
  kind: 'key' | 'team',
  r: Pick<KeyRow, 'rpm_limit' | 'tpm_limit' | 'max_parallel_requests'>,
  budget: BudgetLimit | undefined,
): ScopeLimits | undefined {
  if (r.rpm_limit === null && r.tpm_limit === null && r.max_parallel_requests === null && budget === undefined) return undefined;
  return {
    id,
    kind,
    ...(r.rpm_limit === null ? {} : { rpm: r.rpm_limit }),
    ...(r.tpm_limit === null ? {} : { tpm: r.tpm_limit }),
    ...(r.max_parallel_requests === null ? {} : { maxParallel: r.max_parallel_requests }),
    ...(budget === undefined ? {} : { budget }),
  };
}

/** The scopes of one call, with what admission asks of them, remembered until a budget window ends. */
export interface CallScopes {
  readonly scopes: readonly ScopeLimits[];
  readonly hasBudget: boolean;
  readonly hasTpm: boolean;
  /** Epoch ms when the earliest budget window among them ends: the entry is stale from then on. */
  readonly until: number;
  readonly team: TeamRow | undefined;
}

/** Most models remembered per key record (an unrestricted key may be called with any name). */
const MODELS_PER_KEY = 64;

/**
 * `scopesFor`, remembered per key record and model: building them parses the budget duration and
 * computes the window, the same answer for every call until the window ends. Keyed weakly by the
 * record object, which the record cache replaces on every change, so an updated key is never
 * served an old entry; a different team record (its own update) recomputes too.
 */
export class ScopeMemo {
  readonly #byKey = new WeakMap<KeyRow, Map<string, CallScopes>>();

  get(key: KeyRow, team: TeamRow | undefined, model: string, now: number): CallScopes {
    let byModel = this.#byKey.get(key);
    const hit = byModel?.get(model);
    if (hit !== undefined && hit.team === team && now < hit.until) return hit;
    const scopes = Object.freeze(scopesFor(key, team, model, now));
    let until = Number.POSITIVE_INFINITY;
    for (const s of scopes) if (s.budget !== undefined && s.budget.window.endsAt < until) until = s.budget.window.endsAt;
    const entry: CallScopes = {
      scopes,
      hasBudget: scopes.some((s) => s.budget !== undefined),
      hasTpm: scopes.some((s) => s.tpm !== undefined),
      until,
      team,
    };
    if (byModel === undefined) {
      byModel = new Map();
      this.#byKey.set(key, byModel);
    } else if (byModel.size >= MODELS_PER_KEY) {
      byModel.clear();
    }
    byModel.set(model, entry);
    return entry;
  }
}
