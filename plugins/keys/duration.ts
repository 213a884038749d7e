/**
 * Durations as LiteLLM writes them (`30s`, `5m`, `1h`, `7d`, `2w`, `1mo`, `hourly`, `daily`,
 * `weekly`, `monthly`), used by `duration` (expiry) and `budget_duration` (budget windows).
 */
export type DurationUnit = 's' | 'm' | 'h' | 'd' | 'w' | 'mo';

export interface Duration {
  readonly count: number;
  readonly unit: DurationUnit;
}

const NAMED = {
  hourly: { count: 1, unit: 'h' },
  daily: { count: 1, unit: 'd' },
  weekly: { count: 1, unit: 'w' },
  monthly: { count: 1, unit: 'mo' },
} as const satisfies Record<string, Duration>;

const GRAMMAR = /^(\d+)(s|m|h|d|w|mo)$/;

/** Fixed lengths in ms; `mo` has none (months differ) and is handled by calendar arithmetic. */
export const UNIT_MS = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const satisfies Record<Exclude<DurationUnit, 'mo'>, number>;

/** Parses the grammar; `undefined` for anything else (the admin API answers 400 naming the field). */
export function parseDuration(text: string): Duration | undefined {
  // hasOwn: `toString` and friends are on every object's prototype, not durations.
  if (Object.hasOwn(NAMED, text)) return NAMED[text as keyof typeof NAMED];
  const m = GRAMMAR.exec(text);
  if (m === null) return undefined;
  const count = Number(m[1]);
  // `0d` would be a window that never opens; a count past 10^6 is a typo, not a budget.
  if (!Number.isSafeInteger(count) || count < 1 || count > 1_000_000) return undefined;
  return { count, unit: m[2] as DurationUnit };
}

/** Adds a duration to a time (ms); months keep the day of month, clamped to the month's end. */
export function addDuration(at: number, d: Duration): number {
  if (d.unit !== 'mo') return at + d.count * UNIT_MS[d.unit];
  const t = new Date(at);
  const month = t.getUTCMonth() + d.count;
  const lastDay = new Date(Date.UTC(t.getUTCFullYear(), month + 1, 0)).getUTCDate();
  return Date.UTC(t.getUTCFullYear(), month, Math.min(t.getUTCDate(), lastDay), t.getUTCHours(),
    t.getUTCMinutes(), t.getUTCSeconds(), t.getUTCMilliseconds());
}
