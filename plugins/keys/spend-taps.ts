import { forwardOperations, isForwardOperation, Order, PriceBook, type GatewayApi, type Price, type RequestContext } from 'switchyard';
import { keyCallOf } from './key-call.ts';
import type { Admission, Lease } from './limits/index.ts';
import { costNanoUsd } from './spend/cost.ts';
import { buildSpendRow } from './spend/row.ts';
import type { SpendWriter } from './spend/writer.ts';
import { nanoToUsd } from './money.ts';
import type { SoftBudgets } from './soft-budget.ts';

/** Operations that are model calls (and so have a spend row); `models` and plugin routes are not. */
const billed = new Set<string>(['chat', 'completions', 'embeddings', ...forwardOperations]);

export interface SpendTapDeps {
  readonly prices: PriceBook;
  readonly writer: SpendWriter;
  readonly admission: Admission;
  readonly softBudgets: SoftBudgets;
}

/** The price of the deployment that answered (or was last tried). */
export function priceOfCall(prices: PriceBook, ctx: RequestContext): Price | undefined {
  const deployment = ctx.deployment ?? ctx.attempts.at(-1)?.deployment;
  return deployment === undefined ? undefined : prices.of(deployment);
}

/**
 * Cost and spend: `x-switchyard-response-cost` on non-streamed answers (before they are written),
 * and, after every model call (success, failure or abort; master key included), the real cost
 * charged to the call's budgets and one spend row queued for the batch writer. An unpriced model's
 * cost is `null` in its row and a warning in the log, never $0.
 */
export function tapSpend(gateway: GatewayApi, deps: SpendTapDeps): void {
  const { prices, writer, admission, softBudgets } = deps;
  // Only answers the core holds whole have a header left to set; forwarded ones skip this tap.
  gateway.hooks.transform.response.tapPromise({ name: 'keys-cost', onlyHeldAnswers: true }, async (result, ctx) => {
    const usage = (result as { usage?: Parameters<typeof costNanoUsd>[0] }).usage;
    if (usage === undefined || usage === null) return result;
    const cost = ctx.cacheStatus === 'hit' ? 0 : costNanoUsd(usage, priceOfCall(prices, ctx));
    if (cost !== null) ctx.responseHeaders['x-switchyard-response-cost'] = String(nanoToUsd(cost));
    return result;
  });
  // Not async: with counters in memory, charging the budgets is done when it returns, and the tap
  // answers without making a promise per request.
  gateway.hooks.log.tapPromise({ name: 'keys-spend', stage: Order.late }, (ctx, outcome) => {
    if (!billed.has(ctx.operation)) return undefined;
    const call = keyCallOf(ctx);
    const price = priceOfCall(prices, ctx);
    const row = buildSpendRow({
      ctx,
      outcome,
      caller: {
        apiKeyHash: call?.key.token ?? null,
        keyAlias: call?.key.key_alias ?? null,
        teamId: call?.key.team_id ?? null,
        user: userOf(ctx),
      },
      price,
    });
    if (row.spend === null && !isForwardOperation(ctx.operation)) ctx.log.warn({ model: row.model, provider: row.custom_llm_provider }, 'keys: no price for this model; its cost is unknown');
    writer.add(row);
    const charged = settleBudgets(ctx, admission, call?.lease, row.spend);
    // A call that cost nothing (refused, failed, a cache hit) cannot reach a soft budget.
    if (call === undefined || row.spend === null || row.spend === 0 || call.key.soft_budget === null) return charged;
    // Set before this tap returns, so the metrics plugin's log tap (later, synchronous) finds it.
    // After the budgets are charged, so the soft budget reads this call's cost.
    const spend = row.spend;
    const soft = Promise.resolve(charged).then(() => softBudgets.afterCall(call, spend, ctx.log));
    call.softBudget = soft;
    return soft.then(ignore);
  });
}

const ignore = (): undefined => undefined;

/** The request's `user` field, cut (it is the client's text). */
function userOf(ctx: RequestContext): string | null {
  const user = (ctx.request as { user?: unknown } | undefined)?.user;
  return typeof user === 'string' && user !== '' ? user.slice(0, 256) : null;
}

/**
 * The real cost replaces what admission reserved (budgetMode 'reserve'): the difference is
 * charged or refunded, all of it when nothing was used (a failure, an abort before any token).
 * An unknown cost (`null`: the model that answered has no price) keeps the reservation, the best
 * figure there is. Never throws or rejects; a promise only when the counters answer
 * asynchronously (Redis).
 */
function settleBudgets(ctx: RequestContext, admission: Admission, lease: Lease | undefined, spend: number | null): Promise<void> | undefined {
  if (lease === undefined || spend === null || (spend === 0 && lease.nanoUsd === 0)) return undefined;
  try {
    const charged = admission.settleSpend(lease, spend);
    if (charged instanceof Promise) return charged.catch((err: unknown) => chargeFailed(ctx, err));
  } catch (err) {
    chargeFailed(ctx, err);
  }
  return undefined;
}

function chargeFailed(ctx: RequestContext, err: unknown): void {
  ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'keys: charging the budget counters failed');
}
