import { invalidParam } from 'switchyard';
import { parseSpendDate } from '../spend-dates.ts';
import type { SpendFilter, SpendStatus } from '../store/index.ts';
import { plaintextInQuery } from './errors.ts';
import { pageQuery, queryValue } from './query.ts';
import { spendRecord, type SpendRecord } from './records.ts';
import type { AdminContext, AdminRoute } from './types.ts';

export interface SpendLogPage {
  readonly data: readonly SpendRecord[];
  readonly total: number;
  readonly page: number;
  readonly page_size: number;
  readonly total_pages: number;
}

const STATUSES: readonly SpendStatus[] = ['success', 'failure', 'aborted'];

/** The filters of /spend/logs/v2 from its query string; 400 naming the parameter for a bad one. */
export function spendFilterFrom(query: URLSearchParams): SpendFilter {
  const filter: { -readonly [K in keyof SpendFilter]: SpendFilter[K] } = {};
  const apiKey = queryValue(query, 'api_key');
  // The log holds hashes, and only a hash may travel in a URL (access logs keep URLs): a
  // plaintext key here is refused, as on GET /key/info.
  if (apiKey !== undefined) {
    if (!/^[0-9a-fA-F]{64}$/.test(apiKey)) throw plaintextInQuery('api_key');
    filter.api_key = apiKey.toLowerCase();
  }
  for (const name of ['team_id', 'key_alias', 'model'] as const) {
    const value = queryValue(query, name);
    if (value !== undefined) filter[name] = value;
  }
  // LiteLLM's UI sends `status_filter`.
  const status = queryValue(query, 'status') ?? queryValue(query, 'status_filter');
  if (status !== undefined) {
    if (!STATUSES.includes(status as SpendStatus)) throw invalidParam('status', `status must be one of ${STATUSES.join(', ')}`);
    filter.status = status as SpendStatus;
  }
  for (const [name, bound] of [['start_date', 'start'], ['end_date', 'end']] as const) {
    const text = queryValue(query, name);
    if (text === undefined) continue;
    const at = parseSpendDate(text, bound);
    if (at === undefined) throw invalidParam(name, `${name} must be YYYY-MM-DD or an ISO 8601 date-time`);
    filter[bound] = at;
  }
  return filter;
}

/** GET /spend/logs/v2: one row per request, newest first, spend in USD. */
export function spendRoute(ctx: AdminContext): AdminRoute {
  return {
    method: 'GET',
    path: '/spend/logs/v2',
    summary: 'Spend log rows, newest first; filters api_key, team_id, key_alias, model, status, start_date, end_date',
    async handle(req): Promise<SpendLogPage> {
      const filter = spendFilterFrom(req.query);
      const { page, size } = pageQuery(req.query, 'page_size', 50);
      const result = await ctx.store.spendLogs(filter, { page, size });
      return { data: result.rows.map(spendRecord), total: result.total, page: result.page, page_size: result.size, total_pages: result.total_pages };
    },
  };
}
