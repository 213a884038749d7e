import { invalidParam, type Deployment, type RequestContext, type RoutePlan } from 'switchyard';

export const timeoutHeader = 'x-switchyard-timeout';

/** `30000`, `30000ms` or `30s`. */
function parseMs(value: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/.exec(value);
  if (m === null) return undefined;
  const n = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  return n > 0 ? Math.ceil(n) : undefined;
}

/**
 * The whole-request budget in ms: the client's `x-switchyard-timeout` header (bounded by the
 * group's `timeouts.maxRequest`, else the plugin's), or the group's `timeouts.request`, else the
 * plugin's default. A header over the bound is refused (400), never silently shortened.
 */
export function requestBudgetMs(ctx: RequestContext, plan: RoutePlan, defaults: { requestMs?: number; maxRequestMs: number }): number | undefined {
  const raw = ctx.headers[timeoutHeader];
  const max = plan.timeouts?.maxRequestMs ?? defaults.maxRequestMs;
  if (typeof raw === 'string') {
    const ms = parseMs(raw);
    if (ms === undefined) throw invalidParam(timeoutHeader, `header '${timeoutHeader}' must be a positive number of ms (or '30s')`);
    if (ms > max) throw invalidParam(timeoutHeader, `header '${timeoutHeader}' asks for ${ms} ms; at most ${max} ms is allowed`);
    return ms;
  }
  return plan.timeouts?.requestMs ?? defaults.requestMs;
}

/** The deployment with its whole-call limit cut to what is left of the request's budget. */
export function withinBudget(target: Deployment, remainingMs: number | undefined): Deployment {
  if (remainingMs === undefined) return target;
  const total = target.totalTimeoutMs;
  if (total !== undefined && total <= remainingMs) return target;
  const ms = Math.max(1, Math.floor(remainingMs));
  return { ...target, totalTimeoutMs: ms, ...(target.timeoutMs === undefined || target.timeoutMs > ms ? { timeoutMs: ms } : {}) };
}
