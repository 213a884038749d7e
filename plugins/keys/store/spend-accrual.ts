import { budgetWindow } from '../budget-window.ts';
import { parseDuration } from '../duration.ts';

/** The budget part of a key or team row. */
export interface BudgetState {
  readonly spend: number;
  readonly budget_duration: string | null;
  readonly budget_reset_at: number | null;
}

/**
 * Adds one request's cost, made at `at`, to a record's window spend. A request in a later window
 * than the stored one starts that window (no reset job: the window is computed from the clock);
 * a request from an earlier window, flushed late, is in the spend log but not in the current
 * window. Requests are charged to the window in which they started (were admitted).
 */
export function accrue(state: BudgetState, amount: number, at: number): BudgetState {
  const duration = state.budget_duration === null ? undefined : parseDuration(state.budget_duration);
  if (duration === undefined) return { ...state, spend: state.spend + amount };
  const resetAt = state.budget_reset_at;
  if (resetAt === null || at >= resetAt) {
    const window = budgetWindow(duration, at, resetAt ?? undefined);
    return { ...state, spend: amount, budget_reset_at: window.end };
  }
  const current = budgetWindow(duration, resetAt - 1, resetAt);
  return at >= current.start ? { ...state, spend: state.spend + amount } : state;
}

/** `budget_reset_at` for a record whose `budget_duration` is set (or changed) at `now`. */
export function firstResetAt(budgetDuration: string | null, now: number): number | null {
  const duration = budgetDuration === null ? undefined : parseDuration(budgetDuration);
  return duration === undefined ? null : budgetWindow(duration, now).end;
}
