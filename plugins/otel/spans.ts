import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { cutEcho, type Attempt, type GatewayError, type Outcome, type PriceBook, type RequestContext } from 'switchyard';
import { answerCostNanoUsd } from '../keys/spend/unit-cost.ts';
import { attemptAttributes, genAiOperation, responseAttributes, usageAttributes } from './attributes.ts';
import { epochTime } from './clock.ts';
import { contentAttribute, inputMessages, outputMessages } from './content.ts';
import { parentContext } from './parent.ts';

export interface SpanSettings {
  readonly tracer: Tracer;
  readonly prices: PriceBook;
  /** Prompts and answers on the spans; off unless asked for. */
  readonly captureContent: boolean;
  readonly contentLimit: number;
}

/**
 * The HTTP route each call is served under, for the SERVER span's name: the API's `/v1` path,
 * whichever of its aliases (`/chat/completions`, `/anthropic/v1/messages`…) the client used.
 */
const operationRoutes: Readonly<Record<string, string>> = {
  chat: '/v1/chat/completions',
  completions: '/v1/completions',
  embeddings: '/v1/embeddings',
  count_tokens: '/v1/messages/count_tokens',
};
const inboundRoutes: Readonly<Record<string, string>> = { messages: '/v1/messages', responses: '/v1/responses' };

/** A failure's `error.type`: the gateway's error code (`model_not_found`), else its type. */
const errorType = (error: GatewayError): string => error.extra.code ?? error.type;

/**
 * One model call's spans, built after the fact from what the context recorded: a SERVER span
 * (`POST /v1/chat/completions`) from the request's start to its end, a child of the client's
 * `traceparent` when it sent one, and under it one CLIENT span per upstream attempt
 * (`chat gpt-4o-mini`) over that attempt's own time. Usage, cost and the answer's fields go on
 * the attempt that answered. Other requests (model lists, admin routes) have no spans.
 */
export function recordModelCall(settings: SpanSettings, ctx: RequestContext, outcome: Outcome): void {
  const operation = genAiOperation(ctx.operation);
  if (operation === undefined) return;
  const forward = ctx.forward?.route;
  const route =
    forward !== undefined
      ? `/v1${forward.upstreamPath}`
      : ((ctx.inbound === undefined ? undefined : inboundRoutes[ctx.inbound.name]) ?? operationRoutes[ctx.operation] ?? '');
  const end = ctx.timings.end ?? performance.now();
  const server = settings.tracer.startSpan(
    `POST ${route}`,
    { kind: SpanKind.SERVER, startTime: epochTime(ctx.timings.start), attributes: serverAttributes(ctx, outcome, operation, route) },
    parentContext(ctx.headers),
  );
  // Sampled out: the children would be dropped too, so none is built.
  if (!server.isRecording()) return;
  const parent = trace.setSpan(ROOT_CONTEXT, server);
  const last = ctx.attempts.length - 1;
  // A token count the gateway estimated itself: its answering attempt called no upstream, so no
  // CLIENT span for it (failed attempts before it, at providers that count, keep theirs).
  const estimated = ctx.tokenCount?.exact === false;
  ctx.attempts.forEach((attempt, index) => {
    if (estimated && index === last) return;
    const span = settings.tracer.startSpan(
      `${operation} ${cutEcho(attempt.deployment.model)}`,
      { kind: SpanKind.CLIENT, startTime: epochTime(attempt.startedAt), attributes: attemptAttributes(operation, attempt, index) },
      parent,
    );
    const answered = index === last && attempt.outcome === 'ok';
    if (answered) describeAnswer(settings, span, ctx, outcome, attempt);
    if (index === last && settings.captureContent) addInput(settings, span, ctx);
    if (attempt.outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR });
    // A streamed or forwarded answer is read from the upstream until the client has it all.
    const attemptEnd = attempt.startedAt + attempt.durationMs;
    span.end(epochTime(answered && (outcome.stream || outcome.result === undefined) ? Math.max(attemptEnd, end) : attemptEnd));
  });
  if (outcome.error !== undefined) server.setAttribute('error.type', errorType(outcome.error));
  // A 4xx is the client's mistake, not the server's failure (the HTTP conventions for SERVER spans).
  if (outcome.status >= 500) server.setStatus({ code: SpanStatusCode.ERROR });
  server.end(epochTime(end));
}

function serverAttributes(ctx: RequestContext, outcome: Outcome, operation: string, route: string): Attributes {
  const attributes: Attributes = {
    'http.request.method': 'POST',
    'http.route': route,
    'http.response.status_code': outcome.status,
    'gen_ai.operation.name': operation,
    'switchyard.request_id': cutEcho(ctx.id),
    'switchyard.stream': outcome.stream,
    'switchyard.attempts': ctx.attempts.length,
  };
  if (ctx.model !== '') attributes['gen_ai.request.model'] = cutEcho(ctx.model);
  if (ctx.inbound !== undefined) attributes['switchyard.inbound'] = ctx.inbound.name;
  if (ctx.cacheStatus !== undefined) attributes['switchyard.cache_status'] = ctx.cacheStatus;
  return attributes;
}

/** The answer on the attempt that gave it: usage, cost, id, model, finish reasons, a late failure. */
function describeAnswer(settings: SpanSettings, span: Span, ctx: RequestContext, outcome: Outcome, attempt: Attempt): void {
  if (ctx.usage !== undefined) span.setAttributes(usageAttributes(ctx.usage));
  const cost = answerCostNanoUsd(ctx, settings.prices.of(attempt.deployment));
  if (cost !== null && cost !== undefined) span.setAttribute('switchyard.cost_usd', cost / 1e9);
  if (outcome.result !== undefined) {
    span.setAttributes(responseAttributes(outcome.result));
    const output = settings.captureContent ? outputMessages(ctx.operation, outcome.result) : undefined;
    if (output !== undefined) span.setAttribute('gen_ai.output.messages', contentAttribute(output, settings.contentLimit));
  }
  // The upstream answered, then the stream broke (or the client left) part-way.
  if (outcome.error !== undefined) {
    span.setAttribute('error.type', errorType(outcome.error));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
}

function addInput(settings: SpanSettings, span: Span, ctx: RequestContext): void {
  // Unset when the request failed before its body was read (auth, a bad body).
  const request = (ctx as { request?: RequestContext['request'] }).request;
  const input = inputMessages(ctx.operation, request);
  if (input !== undefined) span.setAttribute('gen_ai.input.messages', contentAttribute(input, settings.contentLimit));
}
