import { UNIT_MS, type Duration } from './duration.ts';

/** A budget window, `[start, end)` in ms since the epoch. */
export interface BudgetWindow {
  readonly start: number;
  readonly end: number;
}

const DAY = UNIT_MS.d;
/** 1970-01-05, the first Monday after the epoch: weeks are counted from a Monday. */
const FIRST_MONDAY = 4 * DAY;

/**
 * The budget window holding `at`.
 *
 * `d`, `w` and `mo` windows are calendar windows in UTC: they start at midnight, on a Monday,
 * on the 1st. `anchor` (the record's `budget_reset_at`) only picks which of the N-day (N-week,
 * N-month) grids applies; with no anchor the grid starts at the epoch. `s`, `m` and `h` windows
 * roll from `anchor` (a previous reset time), or start at `at` when there is none.
 *
 * Pure arithmetic on the clock: admission can compute a window without a reset job.
 */
export function budgetWindow(d: Duration, at: number, anchor?: number): BudgetWindow {
  switch (d.unit) {
    case 's':
    case 'm':
    case 'h':
      return grid(anchor ?? at, d.count * UNIT_MS[d.unit], at);
    case 'd':
      return grid(floorTo(anchor ?? 0, DAY, 0), d.count * DAY, at);
    case 'w':
      return grid(floorTo(anchor ?? FIRST_MONDAY, 7 * DAY, FIRST_MONDAY), d.count * 7 * DAY, at);
    case 'mo':
      return months(anchor ?? 0, d.count, at);
  }
}

/** The window of length `len` on the grid through `origin` that holds `at`. */
function grid(origin: number, len: number, at: number): BudgetWindow {
  const start = origin + Math.floor((at - origin) / len) * len;
  return { start, end: start + len };
}

/** The last grid point (`offset + k·step`) at or before `t`. */
function floorTo(t: number, step: number, offset: number): number {
  return offset + Math.floor((t - offset) / step) * step;
}

function monthIndex(t: number): number {
  const d = new Date(t);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

function months(anchor: number, count: number, at: number): BudgetWindow {
  const origin = monthIndex(anchor);
  const first = origin + Math.floor((monthIndex(at) - origin) / count) * count;
  return { start: firstOfMonth(first), end: firstOfMonth(first + count) };
}

function firstOfMonth(index: number): number {
  return Date.UTC(Math.floor(index / 12), index % 12, 1);
}

/**
 * The spend of a record that counts toward its budget at `now`: 0 once its window has ended
 * (the stored `spend` belongs to a past window), else the stored value.
 */
export function windowSpend(record: { spend: number; budget_reset_at: number | null }, now: number): number {
  return record.budget_reset_at !== null && now >= record.budget_reset_at ? 0 : record.spend;
}
