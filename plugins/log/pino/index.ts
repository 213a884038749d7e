import { Type } from '@sinclair/typebox';
import { cutEcho, definePlugin, type Outcome, type RequestContext } from 'switchyard';

export const RequestLogOptions = Type.Object(
  {
    /** Also log successful requests (default true); errors are always logged. */
    successes: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, title: 'log-pino' },
);

const round = (ms: number): number => Math.round(ms * 100) / 100;

/** The log line's fields. Keys and headers never appear: only what identifies and measures the call. */
export function requestLine(ctx: RequestContext, outcome: Outcome): Record<string, unknown> {
  const { start, firstByte, end } = ctx.timings;
  const usage = ctx.usage;
  return {
    reqId: ctx.id,
    op: ctx.operation,
    principal: ctx.principal?.id,
    // The model, and a deployment named after it (`provider/<model>`), are the client's text: cut.
    model: cutEcho(ctx.model),
    deployment: ctx.deployment === undefined ? undefined : cutEcho(ctx.deployment.id),
    provider: ctx.deployment?.provider,
    upstreamModel: ctx.deployment === undefined ? undefined : cutEcho(ctx.deployment.model),
    stream: outcome.stream,
    status: outcome.status,
    latencyMs: end === undefined ? undefined : round(end - start),
    ttfbMs: firstByte === undefined ? undefined : round(firstByte - start),
    tokens: usage === undefined ? undefined : { prompt: usage.prompt_tokens, completion: usage.completion_tokens, total: usage.total_tokens },
    cache: ctx.cacheStatus,
    attempts: ctx.attempts.length,
    // Every attempt once there was more than one, or the only one failed: `status` is what the
    // gateway made of it (502 for an upstream 500), `upstreamStatus` the provider's own answer.
    trail:
      ctx.attempts.length > 1 || ctx.attempts[0]?.outcome === 'error'
        ? ctx.attempts.map((a) => ({
            deployment: cutEcho(a.deployment.id),
            outcome: a.outcome,
            status: a.status,
            upstreamStatus: a.upstreamStatus,
            ms: round(a.durationMs),
            error: a.error,
          }))
        : undefined,
    error: outcome.error === undefined ? undefined : { type: outcome.error.type, code: outcome.error.extra.code, message: outcome.error.message },
  };
}

/** One structured line per request, written after the client has its answer (pino, async destination). */
export default definePlugin(RequestLogOptions, (options) => ({
  name: 'log-pino',
  setup(gateway) {
    const successes = options.successes ?? true;
    // The line is built field by field from values that carry no secret (ids, names, statuses,
    // timings, error messages already scrubbed where they entered), so the root logger's
    // path-based redaction can never match in it. Its wildcard paths still cost more than the rest
    // of the line (about 12 µs a request, bench/RESULTS.md): this logger skips them.
    const log = gateway.log.child({}, { redact: { paths: [], censor: '[redacted]' } });
    gateway.hooks.log.tapPromise('log-pino', async (ctx, outcome) => {
      if (outcome.status >= 500) log.error(requestLine(ctx, outcome), 'request');
      else if (outcome.status >= 400 && outcome.status !== 499) log.warn(requestLine(ctx, outcome), 'request');
      else if (successes && log.isLevelEnabled('info')) log.info(requestLine(ctx, outcome), 'request');
    });
  },
}));
