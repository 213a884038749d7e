import { GatewayError, type GatewayStatus } from 'switchyard';
import { rateLimitHeaders, retryAfterHeaders, type Refused } from './limits/index.ts';
import { nanoToUsd } from './money.ts';

/** How a scope is named in messages and metric labels. */
const scopeNames = { key: 'key', team: 'team', 'key-model': 'key model' } as const;
const limitNames = { rpm: 'rpm', tpm: 'tpm', parallel: 'max_parallel_requests', budget: 'budget' } as const;

/** Statuses a budget refusal may use (`budgetExceededStatus`), for parity with LiteLLM setups. */
export type BudgetStatus = 400 | 402 | 422 | 429;

/**
 * A refused admission as the client sees it: 429 with `Retry-After` for rpm, tpm and parallel
 * limits; a budget is 402 `budget_exceeded` with `x-should-retry: false`, the one refusal no
 * common client retries. Headers go on `headers` (the context's response headers). The message
 * names the scope and the limit, never the key.
 */
export function refusalError(r: Refused, headers: Record<string, string>, budgetStatus: BudgetStatus): GatewayError {
  Object.assign(headers, rateLimitHeaders(r));
  const scope = scopeNames[r.scope.kind];
  if (r.limit === 'budget') {
    headers['x-should-retry'] = 'false';
    const resets = r.scope.budget === undefined || r.scope.budget.window.id === 'all' ? 'it does not reset' : `it resets at ${new Date(r.scope.budget.window.endsAt).toISOString()}`;
    return new GatewayError(
      budgetStatus as GatewayStatus,
      'budget_exceeded',
      `${scope} budget of $${nanoToUsd(r.value)} reached; ${resets}`,
      { code: 'budget_exceeded' },
    );
  }
  Object.assign(headers, retryAfterHeaders(r.retryAfterMs));
  return new GatewayError(429, 'rate_limit_error', `${scope} ${limitNames[r.limit]} limit ${r.value} reached`, {
    code: 'rate_limit_exceeded',
    retryAfterS: Math.max(1, Math.ceil(r.retryAfterMs / 1000)),
    retryAfterMs: r.retryAfterMs,
  });
}
