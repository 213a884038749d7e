import { dailySpendRoute } from './daily-spend-route.ts';
import { adminOnly } from './errors.ts';
import { importRoute } from './import-route.ts';
import { keyChangeRoutes } from './key-change-routes.ts';
import { keyReadRoutes } from './key-read-routes.ts';
import { spendRoute } from './spend-route.ts';
import { teamRoutes } from './team-routes.ts';
import type { AdminContext, AdminDeps, AdminRoute } from './types.ts';

export type { AdminCaller, AdminDeps, AdminRequest, AdminRoute, CacheChange } from './types.ts';
export type { GeneratedKey, KeyRecord, SpendRecord, TeamRecord } from './records.ts';
export type { KeyList } from './key-read-routes.ts';
export type { TeamInfo } from './team-routes.ts';
export type { SpendLogPage } from './spend-route.ts';
export type { DailyGroupBy, DailyOthers, DailySeries, DailySpendAnswer } from './daily-spend-route.ts';
export type { ImportAnswer } from './import-route.ts';

/** The actor audit rows name for changes made with the master key. */
export const MASTER_ACTOR = 'master';

/**
 * The admin API of the `keys` plugin (operator.md §3) as framework-free handlers: the HTTP layer
 * authenticates, parses the body and query, calls `handle` and sends its answer as JSON (or the
 * GatewayError it throws). Every route needs the master key; a virtual key gets 403 `admin_only`,
 * except on GET /key/info without `key` (its own record).
 *
 * @example
 * const routes = adminRoutes({ store, invalidate: (c) => cache.drop(c) });
 * const info = routes.find((r) => r.path === '/key/info');
 * await info?.handle({ body: undefined, query: new URLSearchParams(`key=${hash}`), caller: { role: 'admin' } });
 */
export function adminRoutes(deps: AdminDeps): AdminRoute[] {
  const ctx: AdminContext = {
    store: deps.store,
    now: deps.now ?? Date.now,
    invalidate: async (change) => {
      await deps.invalidate(change);
    },
    actor: deps.actor ?? MASTER_ACTOR,
  };
  const routes = [...keyChangeRoutes(ctx), ...keyReadRoutes(ctx), importRoute(ctx), ...teamRoutes(ctx), spendRoute(ctx), dailySpendRoute(ctx)];
  return routes.map(adminGuarded);
}

/** Refuses virtual keys before the handler runs, unless the route is self-service. */
function adminGuarded(route: AdminRoute): AdminRoute {
  const { handle } = route;
  return {
    ...route,
    handle: (req) => {
      if (req.caller.role !== 'admin' && route.allowVirtualKey !== true) return Promise.reject(adminOnly());
      return handle(req);
    },
  };
}
