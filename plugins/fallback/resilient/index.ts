import type { Static } from '@sinclair/typebox';
import {
  clientClosed,
  definePlugin,
  estimatePromptTokens,
  GatewayError,
  noHealthyDeployment,
  Order,
  requestedOutputTokens,
  streamResult,
  systemClock,
  systemRandom,
  type CallResult,
  type Deployment,
  type GatewayApi,
  type RequestContext,
  type RetryPolicy,
  type RoutePlan,
} from 'switchyard';
import { retryDelayMs } from './backoff.ts';
import { Breaker } from './breaker.ts';
import { RetryBudget } from './budget.ts';
import { classify, hintedDelayMs } from './classify.ts';
import { contextWindowOf, defaultContextWindows } from './context-windows.ts';
import { requestBudgetMs, withinBudget } from './deadline.ts';
import { ResilientFallbackOptions } from './options.ts';
import { finishCall, TrackedStream, type Tracking } from './tracked.ts';

export { ResilientFallbackOptions } from './options.ts';

const NAME = 'fallback-resilient';
const inFlightTtlMs = 10 * 60_000;
const ignore = (): void => undefined;

type Options = Static<typeof ResilientFallbackOptions>;

/** A group's retry policy with the plugin's defaults filled in. */
type Policy = Required<RetryPolicy>;

/**
 * The call stage with retries, fallbacks, cooldowns and timeouts. Takes the plan's deployments
 * in order; retries one on transient failures with exponential backoff and full jitter (or its
 * Retry-After), within a per-group budget; then falls back to the next (the route stage put the
 * fallback groups' deployments after the group's own). Prompts too long or content refused go
 * to the group's `contextWindowFallbacks` / `contentPolicyFallbacks`. Failing deployments are
 * cooled down in the shared state, so every instance skips them. Streams are retried only
 * before their first event (adapters prime them); after that a failure ends the stream with an
 * error event.
 */
export default definePlugin(ResilientFallbackOptions, (options) => ({
  name: NAME,
  // Its tap answers or throws, never passes: another call strategy beside it would never run.
  owns: ['call'],
  setup(gateway) {
    const run = makeRunner(gateway, options);
    gateway.hooks.call.tapPromise({ name: NAME, stage: Order.late }, run);
    gateway.readiness('cooldowns', async () => {
      const cooling = await gateway.state.listCooldowns((options.clock ?? systemClock).now());
      return { status: 'ok', detail: { state: gateway.state.kind, cooling } };
    });
  },
}));

function makeRunner(gateway: GatewayApi, options: Options): (ctx: RequestContext, plan: RoutePlan) => Promise<CallResult> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const state = gateway.state;
  const c = options.cooldown ?? {};
  const breaker = new Breaker(
    state,
    {
      failures: c.failures ?? 3,
      failureRate: c.failureRate ?? 0.5,
      minCalls: c.minCalls ?? 10,
      windowMs: c.windowMs ?? 60_000,
      cooldownMs: (c.seconds ?? 30) * 1000,
      halfOpenMs: c.halfOpenMs ?? 300_000,
    },
    gateway.log,
  );
  const budget = new RetryBudget(options.budgetWindowMs ?? 10_000);
  const windows = Object.freeze({ ...defaultContextWindows, ...options.contextWindows });
  const tracking: Tracking = {
    state,
    clock,
    alpha: options.latencyAlpha ?? 0.3,
    inFlightTtlMs,
    onStreamError: (target, err) => {
      if (clientLeft(err)) return;
      void breaker.failed(target, err, classify(err), clock.now(), false).catch(ignore);
    },
  };
  const defaults: Policy = Object.freeze({
    retries: options.retries ?? 2,
    baseDelayMs: options.baseDelayMs ?? 250,
    maxDelayMs: options.maxDelayMs ?? 8_000,
    budgetRatio: options.budgetRatio ?? 0.2,
    minRetries: options.minRetries ?? 10,
  });
  // A plan's group policies are built once by the route stage: merged with the defaults once too.
  const merged = new WeakMap<RetryPolicy, Policy>();
  const policyOf = (group: RetryPolicy | undefined): Policy => {
    if (group === undefined) return defaults;
    let p = merged.get(group);
    if (p === undefined) {
      p = Object.freeze({
        retries: group.retries ?? defaults.retries,
        baseDelayMs: group.baseDelayMs ?? defaults.baseDelayMs,
        maxDelayMs: group.maxDelayMs ?? defaults.maxDelayMs,
        budgetRatio: group.budgetRatio ?? defaults.budgetRatio,
        minRetries: group.minRetries ?? defaults.minRetries,
      });
      merged.set(group, p);
    }
    return p;
  };
  const deadlineDefaults = { maxRequestMs: options.maxRequestTimeoutMs ?? 600_000, ...(options.requestTimeoutMs === undefined ? {} : { requestMs: options.requestTimeoutMs }) };

  /** One call to one deployment, with its bookkeeping. */
  async function attempt(ctx: RequestContext, target: Deployment, remainingMs: number | undefined): Promise<CallResult> {
    const startedAt = clock.now();
    void state.acquire(target.id, inFlightTtlMs).catch(ignore);
    void state.addUsage(target.id, startedAt, 1, 0).catch(ignore);
    let result: CallResult;
    try {
      result = await gateway.invoke(ctx, withinBudget(target, remainingMs));
    } catch (err) {
      void state.release(target.id, inFlightTtlMs).catch(ignore);
      throw err;
    }
    if (result.kind === 'stream') {
      // Adapters prime streams, so the call resolved with the first event: time to first token.
      void state.recordLatency(target.id, 'ttft', clock.now() - startedAt, tracking.alpha).catch(ignore);
      return streamResult(new TrackedStream(result.events, tracking, target, startedAt));
    }
    // A forwarded answer is still arriving: its usage is not known yet.
    const usage = result.kind === 'complete' ? (result.body.value as { usage?: { total_tokens?: number } | null }).usage : undefined;
    finishCall(tracking, target, startedAt, usage?.total_tokens);
    return result;
  }

  /** Deployments of a dedicated fallback list that are not cooling down. */
  async function usable(list: readonly Deployment[]): Promise<readonly Deployment[]> {
    const circuits = await state.circuits(list.map((d) => d.id), clock.now());
    return list.filter((_, i) => circuits[i]?.state !== 'open');
  }

  /** Drops deployments whose context window the prompt will not fit, when that is known. */
  function fitting(ctx: RequestContext, list: readonly Deployment[]): readonly Deployment[] {
    if (ctx.operation === 'embeddings') return list;
    const needed = estimatePromptTokens(ctx.request) + (requestedOutputTokens(ctx.request) ?? 0);
    return list.filter((d) => {
      const window = d.contextWindow ?? contextWindowOf(windows, d.model);
      return window === undefined || needed <= window;
    });
  }

  return async function run(ctx: RequestContext, plan: RoutePlan): Promise<CallResult> {
    const start = clock.now();
    const budgetMs = requestBudgetMs(ctx, plan, deadlineDefaults);
    const deadline = budgetMs === undefined ? undefined : start + budgetMs;
    const probes = plan.probes;
    let list: readonly Deployment[] = plan.deployments;
    let switched: 'context' | 'policy' | undefined;
    // Proactive context-window fallback: skip what cannot fit, if the group has somewhere to go.
    const cwf = plan.contextWindowFallbacks;
    if (cwf !== undefined && cwf.length > 0) {
      const fit = fitting(ctx, list);
      if (fit.length === 0) {
        ctx.log.warn({ model: plan.model }, 'prompt exceeds the context window, using context-window fallbacks');
        list = await usable(cwf);
        switched = 'context';
      } else list = fit;
    }
    budget.request((list[0] ?? plan.deployments[0])?.group ?? plan.model, start);
    let attempts = 0;
    let lastError: unknown;
    outer: for (let i = 0; i < list.length; i++) {
      const target = list[i] as Deployment;
      const policy = policyOf(plan.retry?.[target.group]);
      const probe = probes !== undefined && probes.includes(target.id);
      for (let retry = 0; ; retry++) {
        if (attempts >= plan.maxAttempts) break outer;
        const now = clock.now();
        const remaining = deadline === undefined ? undefined : deadline - now;
        if (remaining !== undefined && remaining <= 0) throw requestTimedOut(budgetMs as number, lastError);
        attempts++;
        try {
          const result = await attempt(ctx, target, remaining);
          breaker.succeeded(target, clock.now(), probe);
          return result;
        } catch (err) {
          lastError = err;
          if (ctx.signal.aborted || clientLeft(err)) throw clientClosed();
          const verdict = classify(err);
          const failedAt = clock.now();
          const hint = hintedDelayMs(err);
          const longWait = verdict === 'retry' && hint !== undefined && hint > policy.maxDelayMs ? hint : undefined;
          const cooled = await breaker.failed(target, err, verdict, failedAt, probe, longWait);
          if (verdict === 'fatal') throw err;
          if (verdict === 'context' || verdict === 'policy') {
            const alternates = verdict === 'context' ? plan.contextWindowFallbacks : plan.contentPolicyFallbacks;
            if (switched !== undefined || alternates === undefined || alternates.length === 0) throw err;
            ctx.log.warn({ deployment: target.id, verdict }, 'using dedicated fallbacks');
            list = await usable(alternates);
            switched = verdict;
            i = -1;
            continue outer;
          }
          ctx.log.warn({ deployment: target.id, status: (err as GatewayError).extra?.upstreamStatus, code: (err as GatewayError).extra?.code, attempt: attempts }, 'attempt failed');
          if (verdict === 'next' || cooled || retry >= policy.retries) continue outer;
          const delay = retryDelayMs(retry, policy, random, hint);
          if (delay === undefined) continue outer;
          if (deadline !== undefined && failedAt + delay >= deadline) continue outer;
          if (!budget.take(target.group, failedAt, policy.budgetRatio, policy.minRetries)) {
            ctx.log.warn({ group: target.group }, 'retry budget spent, not retrying');
            continue outer;
          }
          try {
            await clock.sleep(delay, ctx.signal);
          } catch {
            throw clientClosed();
          }
        }
      }
    }
    throw lastError ?? noHealthyDeployment(ctx.model);
  };
}

function clientLeft(err: unknown): boolean {
  return err instanceof GatewayError && err.status === 499;
}

function requestTimedOut(ms: number, cause: unknown): GatewayError {
  return new GatewayError(504, 'timeout_error', `request gave no answer within its ${ms} ms budget`, {
    code: 'request_timeout',
    ...(cause === undefined ? {} : { cause }),
  });
}
