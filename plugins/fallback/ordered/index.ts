import { setTimeout as sleep } from 'node:timers/promises';
import { Type } from '@sinclair/typebox';
import { clientClosed, credentialsRejected, definePlugin, isRetryable, GatewayError, Order, type CallResult } from 'switchyard';

export const OrderedFallbackOptions = Type.Object(
  {
    /** Overrides the plan's attempt limit (retries and fallbacks together). */
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    /** Base delay before calling a deployment that already failed once in this request, in ms. */
    retryDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
    /** Longest wait between attempts, `Retry-After` included, in ms. */
    maxRetryDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
  },
  { additionalProperties: false, title: 'fallback-ordered' },
);

/**
 * The call stage's simplest strategy: the plan's deployments in order, wrapping round to retry,
 * on connection errors, timeouts, 429 and 5xx — never on other 4xx, which would fail again. A
 * deployment whose provider refused our credentials (401/403) is skipped for the rest of the
 * request: the next one is tried at once, the refusing one never again.
 * A deployment is retried after a short backoff (or its `Retry-After`, capped). Streams are
 * retryable only until their first event, which the provider adapters guarantee by priming.
 */
export default definePlugin(OrderedFallbackOptions, (options) => ({
  name: 'fallback-ordered',
  // Its tap answers or throws, never passes: another call strategy beside it would never run.
  owns: ['call'],
  setup(gateway) {
    const baseDelay = options.retryDelayMs ?? 200;
    const maxDelay = options.maxRetryDelayMs ?? 5_000;

    gateway.hooks.call.tapPromise({ name: 'fallback-ordered', stage: Order.late }, async (ctx, plan): Promise<CallResult> => {
      const limit = options.maxAttempts ?? plan.maxAttempts;
      const count = plan.deployments.length;
      let lastError: unknown;
      // Deployments that refused our credentials in this request: never called again. Created
      // only on such a failure, so the common path allocates nothing.
      let refused: Set<string> | undefined;
      for (let i = 0, made = 0; made < limit && i < limit * count; i++) {
        const target = plan.deployments[i % count];
        if (target === undefined) break;
        if (refused?.has(target.id)) continue;
        if (i >= count) {
          // Wrapping round: this deployment failed in this request already; give it a moment.
          const hinted = lastError instanceof GatewayError ? lastError.extra.retryAfterS : undefined;
          const round = Math.floor(i / count);
          const delay = Math.min(maxDelay, hinted === undefined ? baseDelay * 2 ** (round - 1) : hinted * 1000);
          // Only waits we can honour: a Retry-After longer than the cap ends the retries.
          if (hinted !== undefined && hinted * 1000 > maxDelay) break;
          try {
            await sleep(delay, undefined, { signal: ctx.signal });
          } catch {
            throw clientClosed();
          }
        }
        made++;
        try {
          return await gateway.invoke(ctx, target);
        } catch (err) {
          lastError = err;
          if (ctx.signal.aborted) throw clientClosed();
          if (credentialsRejected(err)) {
            (refused ??= new Set()).add(target.id);
            ctx.log.warn({ deployment: target.id, status: (err as GatewayError).extra.upstreamStatus }, 'provider refused our credentials, trying next');
            continue;
          }
          if (!isRetryable(err)) throw err;
          ctx.log.debug({ deployment: target.id, err: (err as Error).message }, 'attempt failed, trying next');
        }
      }
      throw lastError;
    });
  },
}));
