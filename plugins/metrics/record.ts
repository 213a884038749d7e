import { tokenParts, type Attempt, type Deployment, type Outcome, type PriceBook, type RequestContext } from 'switchyard';
import { keyCallOf, refusalOf, softBudgetOf } from '../keys/key-call.ts';
import { answerCostNanoUsd } from '../keys/spend/unit-cost.ts';
import type { LabelResolver } from './labels.ts';
import type { ModelSeries, Series } from './series.ts';

export interface RecorderDeps {
  readonly series: Series;
  readonly labels: LabelResolver;
  readonly prices: PriceBook;
}

/**
 * Records one finished model call (the log stage): requests, durations, the gateway's overhead,
 * one duration per upstream attempt, refusals, and for calls that reached a deployment or the
 * cache: tokens, spend, time to first token, cache hits, fallbacks and retries.
 */
export function recordCall(deps: RecorderDeps, ctx: RequestContext, outcome: Outcome): void {
  const { series, labels } = deps;
  const timings = ctx.timings;
  const end = timings.end ?? performance.now();
  const route = labels.route(ctx);
  const operation = labels.operation(ctx);
  const model = labels.requestModel(ctx);
  const attempts = ctx.attempts;
  const answered = ctx.deployment;
  const last: Deployment | undefined = answered ?? attempts[attempts.length - 1]?.deployment;
  const provider = last?.provider ?? '';
  const status = labels.status(outcome.status);
  const team = keyCallOf(ctx)?.key.team_id ?? '';

  series.request(route, status, model, provider, team).inc();
  series.duration(operation, model, status).observe((end - timings.start) / 1000);
  let upstreamMs = 0;
  for (const attempt of attempts) {
    upstreamMs += attempt.durationMs;
    recordAttempt(deps, operation, model, attempt);
  }
  // To the first byte sent when there was one: after it, a stream's time is the upstream's pace.
  const ownMs = (timings.firstByte ?? end) - timings.start - upstreamMs;
  series.route(route).overhead.observe(ownMs > 0 ? ownMs / 1000 : 0);

  recordRefusal(series, ctx);
  // Counted when the keys plugin's check ends (it reads the counters; never rejects).
  void softBudgetOf(ctx)?.then((scope) => scope !== undefined && series.softBudgetReached(scope).inc());

  if (ctx.cacheStatus === 'hit') {
    series.model(operation, model, '', '').cacheHits.inc();
    return;
  }
  if (last === undefined) return;
  const s = series.model(operation, model, provider, labels.responseModel(model, last));
  recordRouting(s, ctx, attempts, answered);
  if (ctx.stream && answered !== undefined && timings.firstByte !== undefined) {
    s.timeToFirstToken.observe((timings.firstByte - timings.start) / 1000);
  }
  recordUsage(deps, s, ctx, last, model, team);
}

/**
 * Records one token count (design/inbound.md §2): a request of its own route, the gateway's own
 * time, one `gen_ai_client_operation_duration` per attempt that called a provider (operation
 * `count_tokens`: Anthropic and Gemini count exactly), and an admission refusal (counts take rpm).
 * A count uses no tokens and costs nothing, so no token or spend series moves. An estimate the
 * gateway made itself (`ctx.tokenCount.exact` false) called no provider: its attempt is
 * the gateway's own time, neither an upstream observation nor subtracted from the overhead.
 */
export function recordCount(deps: RecorderDeps, ctx: RequestContext, outcome: Outcome): void {
  const { series, labels } = deps;
  const timings = ctx.timings;
  const end = timings.end ?? performance.now();
  const route = labels.route(ctx);
  const attempts = ctx.attempts;
  const model = labels.requestModel(ctx);
  const provider = (ctx.deployment ?? attempts[attempts.length - 1]?.deployment)?.provider ?? '';
  series.request(route, labels.status(outcome.status), model, provider, keyCallOf(ctx)?.key.team_id ?? '').inc();
  const local = ctx.tokenCount?.exact === false ? attempts.length - 1 : -1;
  let upstreamMs = 0;
  for (let i = 0; i < attempts.length; i++) {
    if (i === local) continue;
    const attempt = attempts[i] as Attempt;
    upstreamMs += attempt.durationMs;
    recordAttempt(deps, 'count_tokens', model, attempt);
  }
  const ownMs = end - timings.start - upstreamMs;
  series.route(route).overhead.observe(ownMs > 0 ? ownMs / 1000 : 0);
  recordRefusal(series, ctx);
}

/** A refusal by the keys plugin's admission: a rate limit (its scope and limit) or a budget. */
function recordRefusal(series: Series, ctx: RequestContext): void {
  const refusal = refusalOf(ctx);
  if (refusal === undefined) return;
  if (refusal.limit === 'budget') series.budgetExceeded(refusal.scope).inc();
  else series.rateLimited(refusal.scope, refusal.limit).inc();
}

function recordAttempt(deps: RecorderDeps, operation: string, model: string, attempt: Attempt): void {
  const target = attempt.deployment;
  // The upstream's own status (500, 429) when it answered; else the gateway's (504 for a timeout).
  const errorType = attempt.outcome === 'error' ? deps.labels.status(attempt.upstreamStatus ?? attempt.status) : '';
  deps.series.attempt(operation, target.provider, model, deps.labels.responseModel(model, target), errorType).observe(attempt.durationMs / 1000);
}

/** Retries: attempts beyond the first on the same deployment. A fallback: another deployment tried or answering. */
function recordRouting(s: ModelSeries, ctx: RequestContext, attempts: readonly Attempt[], answered: Deployment | undefined): void {
  let distinct = 0;
  for (let i = 0; i < attempts.length; i++) {
    const id = (attempts[i] as Attempt).deployment.id;
    let seen = false;
    for (let j = 0; j < i && !seen; j++) seen = (attempts[j] as Attempt).deployment.id === id;
    if (!seen) distinct++;
  }
  if (attempts.length > distinct) s.retries.inc(attempts.length - distinct);
  const first = ctx.plan?.deployments[0];
  if (distinct > 1 || (answered !== undefined && first !== undefined && answered.id !== first.id)) s.fallbacks.inc();
}

function recordUsage(deps: RecorderDeps, s: ModelSeries, ctx: RequestContext, target: Deployment, model: string, team: string): void {
  // Unpriced: not added (an unknown price is never $0); the keys plugin's spend log says so.
  // Forwarded calls (images, audio, rerank) are priced in their units, with or without tokens.
  const nanoUsd = answerCostNanoUsd(ctx, deps.prices.of(target));
  if (nanoUsd !== null && nanoUsd !== undefined && nanoUsd > 0) deps.series.spend(model, target.provider, team).inc(nanoUsd / 1e9);
  const usage = ctx.usage;
  if (usage === undefined) return;
  s.inputTokens.observe(usage.prompt_tokens);
  if (ctx.operation !== 'embeddings') s.outputTokens.observe(usage.completion_tokens);
  const parts = tokenParts(usage);
  if (parts.input > 0) s.tokens.input.inc(parts.input);
  if (parts.output > 0) s.tokens.output.inc(parts.output);
  if (parts.cacheRead > 0) s.tokens.cacheRead.inc(parts.cacheRead);
  if (parts.cacheWrite > 0) s.tokens.cacheWrite.inc(parts.cacheWrite);
  if (parts.reasoning > 0) s.tokens.reasoning.inc(parts.reasoning);
}
