import { invalidParam } from 'switchyard';
import { keyRef } from '../key-label.ts';
import { nanoToUsd } from '../money.ts';
import type { DailySpendRow, KeysStore } from '../store/index.ts';
import { queryValue } from './query.ts';
import type { AdminContext, AdminRoute } from './types.ts';

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Longest range one call may ask for: a year of days (every day is a point of every series). */
export const MAX_DAILY_RANGE_DAYS = 366;
/** Days shown when no `start_date` is given: the last 30, today included. */
const DEFAULT_RANGE_DAYS = 30;
const DEFAULT_TOP = 10;
const MAX_TOP = 50;

export type DailyGroupBy = 'key' | 'team' | 'model';
const GROUPS: readonly DailyGroupBy[] = ['key', 'team', 'model'];

/** One group's spend per day, aligned with the answer's `days`. */
export interface DailySeries {
  /** The key's hash, the team id or the model; null for the master key's calls (key) or calls without a team (team). */
  readonly id: string | null;
  /**
   * What a chart's legend shows: the key's alias or `sk-...abcd`, the team's alias, the model.
   * Distinct within an answer: a label two series would share gets ` · ` and the start of the
   * key's hash (`KEY_REF_LENGTH` hex), or the team id.
   */
  readonly label: string;
  /** USD per day. */
  readonly spend: readonly number[];
  readonly requests: readonly number[];
  readonly total_spend: number;
  readonly total_requests: number;
  readonly total_tokens: number;
  /** Requests with no known cost (unpriced model): the spend shown leaves them out. */
  readonly unpriced_requests: number;
}

/** Every group not in `series` (past the top ones, or that cost nothing), summed, so the totals stay whole. */
export interface DailyOthers extends Omit<DailySeries, 'id' | 'label'> {
  /** How many groups were folded in. */
  readonly groups: number;
}

export interface DailySpendAnswer {
  readonly group_by: DailyGroupBy;
  readonly start_date: string;
  readonly end_date: string;
  /** Every day of the range (`YYYY-MM-DD`, UTC), days without spend included. */
  readonly days: readonly string[];
  /** The `top` groups by spend (then requests), largest first; only groups that cost something. */
  readonly series: readonly DailySeries[];
  /** Everything else, or null when every group is in `series`. */
  readonly others: DailyOthers | null;
}

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** A `YYYY-MM-DD` that exists, as its UTC midnight; 400 naming the parameter otherwise. */
function dayParam(query: URLSearchParams, name: string): number | undefined {
  const text = queryValue(query, name);
  if (text === undefined) return undefined;
  const at = DATE.test(text) ? Date.parse(`${text}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(at) || dayOf(at) !== text) throw invalidParam(name, `${name} must be a date as YYYY-MM-DD`);
  return at;
}

/** Sums of one group while the rows are read. */
interface Accumulator {
  readonly id: string | null;
  readonly spend: number[];
  readonly requests: number[];
  tokens: number;
  unpriced: number;
  totalSpend: number;
  totalRequests: number;
}

const groupOf = (row: DailySpendRow, by: DailyGroupBy): string | null => (by === 'key' ? row.api_key : by === 'team' ? row.team_id : row.model);

/**
 * GET /spend/daily: spend per day grouped by key, team or model, from the store's daily roll-ups
 * (they outlive the pruned rows). Only the `top` groups are answered one by one and the rest are
 * summed, so a chart over 100,000 keys stays a handful of lines and the answer a few kilobytes.
 */
export function dailySpendRoute(ctx: AdminContext): AdminRoute {
  return {
    method: 'GET',
    path: '/spend/daily',
    summary: 'Spend per day by key, team or model (group_by), top groups and the rest summed; start_date, end_date (YYYY-MM-DD), top',
    async handle(req): Promise<DailySpendAnswer> {
      const by = (queryValue(req.query, 'group_by') ?? 'model') as DailyGroupBy;
      if (!GROUPS.includes(by)) throw invalidParam('group_by', `group_by must be one of ${GROUPS.join(', ')}`);
      const topText = queryValue(req.query, 'top');
      const top = topText === undefined ? DEFAULT_TOP : /^\d{1,3}$/.test(topText) ? Number(topText) : Number.NaN;
      if (!(top >= 1 && top <= MAX_TOP)) throw invalidParam('top', `top must be a whole number from 1 to ${MAX_TOP}`);
      const end = dayParam(req.query, 'end_date') ?? Date.parse(`${dayOf(ctx.now())}T00:00:00Z`);
      const start = dayParam(req.query, 'start_date') ?? end - (DEFAULT_RANGE_DAYS - 1) * DAY_MS;
      if (start > end) throw invalidParam('start_date', 'start_date must not be after end_date');
      const count = (end - start) / DAY_MS + 1;
      if (count > MAX_DAILY_RANGE_DAYS) throw invalidParam('start_date', `at most ${MAX_DAILY_RANGE_DAYS} days at once`);
      const days = Array.from({ length: count }, (_, i) => dayOf(start + i * DAY_MS));
      const index = new Map(days.map((d, i) => [d, i]));
      const rows = await ctx.store.dailySpend({ start_day: days[0] as string, end_day: days[count - 1] as string });
      const groups = new Map<string | null, Accumulator>();
      for (const row of rows) {
        const at = index.get(row.day);
        if (at === undefined) continue;
        const id = groupOf(row, by);
        let acc = groups.get(id);
        if (acc === undefined) {
          acc = { id, spend: new Array<number>(count).fill(0), requests: new Array<number>(count).fill(0), tokens: 0, unpriced: 0, totalSpend: 0, totalRequests: 0 };
          groups.set(id, acc);
        }
        // Sums stay in integer nano-USD (exact) until the answer.
        acc.spend[at] = (acc.spend[at] as number) + row.spend;
        acc.requests[at] = (acc.requests[at] as number) + row.requests;
        acc.tokens += row.total_tokens;
        acc.unpriced += row.unpriced_requests;
        acc.totalSpend += row.spend;
        acc.totalRequests += row.requests;
      }
      const ranked = [...groups.values()].sort((a, b) => b.totalSpend - a.totalSpend || b.totalRequests - a.totalRequests || String(a.id).localeCompare(String(b.id)));
      // A group that cost nothing (calls refused before a model was read, or only unpriced ones)
      // would be a flat line at $0: it goes to `others`, where its requests still count.
      const costly = ranked.filter((g) => g.totalSpend > 0);
      const shown = costly.slice(0, top);
      const inSeries = new Set(shown);
      const rest = ranked.filter((g) => !inSeries.has(g));
      const names = await labelsOf(ctx.store, by, shown.map((g) => g.id));
      const labels = distinctLabels(by, shown.map((g) => ({ id: g.id, label: names.get(g.id) ?? String(g.id) })));
      return {
        group_by: by,
        start_date: days[0] as string,
        end_date: days[count - 1] as string,
        days,
        series: shown.map((g, i) => ({ id: g.id, label: labels[i] as string, ...totals([g], count) })),
        others: rest.length === 0 ? null : { groups: rest.length, ...totals(rest, count) },
      };
    },
  };
}

/** The sums of some groups, day by day, in USD. */
function totals(groups: readonly Accumulator[], count: number): Omit<DailySeries, 'id' | 'label'> {
  const spend = new Array<number>(count).fill(0);
  const requests = new Array<number>(count).fill(0);
  let tokens = 0;
  let unpriced = 0;
  for (const g of groups) {
    for (let i = 0; i < count; i += 1) {
      spend[i] = (spend[i] as number) + (g.spend[i] as number);
      requests[i] = (requests[i] as number) + (g.requests[i] as number);
    }
    tokens += g.tokens;
    unpriced += g.unpriced;
  }
  const totalNano = spend.reduce((a, b) => a + b, 0);
  return {
    spend: spend.map(nanoToUsd),
    requests,
    total_spend: nanoToUsd(totalNano),
    total_requests: requests.reduce((a, b) => a + b, 0),
    total_tokens: tokens,
    unpriced_requests: unpriced,
  };
}

/**
 * The labels, each one told apart from any other series' with the same text: a key regenerated
 * then deleted leaves two old hashes with one alias; two teams may share an alias, or one's alias
 * be another's id. Keys get the start of their hash (never of the key), teams their id; a null
 * id (the master key, no team) keeps its label, the others sharing it are the ones marked.
 */
function distinctLabels(by: DailyGroupBy, groups: readonly { id: string | null; label: string }[]): string[] {
  const uses = new Map<string, number>();
  for (const g of groups) uses.set(g.label, (uses.get(g.label) ?? 0) + 1);
  return groups.map((g) => {
    if ((uses.get(g.label) ?? 0) < 2 || g.id === null) return g.label;
    return `${g.label} · ${by === 'key' ? keyRef(g.id) : g.id}`;
  });
}

/** Legend names for the shown groups only (one read for keys, one per team): never the whole table. */
async function labelsOf(store: KeysStore, by: DailyGroupBy, ids: readonly (string | null)[]): Promise<Map<string | null, string>> {
  const labels = new Map<string | null, string>();
  if (by === 'model') {
    // A call refused before its body was read has no model.
    for (const id of ids) labels.set(id, id === '' ? '(no model)' : String(id));
    return labels;
  }
  if (by === 'key') {
    labels.set(null, 'master key');
    const tokens = ids.filter((id): id is string => id !== null);
    for (const row of await store.getKeys(tokens)) labels.set(row.token, row.key_alias ?? row.key_name);
    // A deleted or regenerated key keeps its spend under its old hash: named by the alias its
    // last spend row carries, else by a hash prefix (never a key fragment).
    for (const token of tokens) {
      if (labels.has(token)) continue;
      const last = (await store.spendLogs({ api_key: token }, { page: 1, size: 1 })).rows[0];
      labels.set(token, last?.key_alias ? `${last.key_alias} (old key)` : `deleted key ${token.slice(0, 8)}`);
    }
    return labels;
  }
  labels.set(null, 'no team');
  for (const id of ids) {
    if (id === null) continue;
    const team = await store.getTeam(id);
    labels.set(id, team?.team_alias ?? id);
  }
  return labels;
}
