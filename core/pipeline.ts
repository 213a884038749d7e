import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestContext, type ContextOperation, type Principal } from './context.ts';
import {
  GatewayError,
  PluginError,
  internalError,
  modelNotFound,
  noHealthyDeployment,
  serverShuttingDown,
  toGatewayError,
  unauthorized,
} from './errors.ts';
import type { CountTokensFormat } from './count/types.ts';
import type { ForwardRoute } from './forward/operations.ts';
import { NativeRequest, pinnedPlan, untranslatedStandIn } from './forward/native.ts';
import { readForwardRequest } from './forward/read.ts';
import type { Gateway } from './gateway.ts';
import { answerBufferLimits, configureAnswerBuffers, releaseAnswerBuffer } from './http/answer-budget.ts';
import type { CanonicalRequest, ChatCompletion, ChatCompletionChunk, CompletionChunk, FinalResult, Operation, StreamChunk } from './openai/types.ts';
import type { InboundFormat } from './inbound.ts';
import { validateRequest } from './openai/schemas.ts';
import type { Outcome } from './outcome.ts';
import { JsonBody, type CallResult } from './result.ts';
import type { Deployment, RoutePlan } from './routing/types.ts';
import { tokenCountOf } from './providers/count-tokens.ts';
import { offersRoute, operationNotOffered } from './providers/forward.ts';
import { readBodyBytes } from './server/body.ts';
import { parseJsonBody } from './server/parse-body.ts';
import { requestIdFrom } from './server/request-id.ts';
import type { ErrorEnvelope } from './server/plugin-routes.ts';
import { writeError, writeJson, writeStream, type ChunkTransform } from './server/respond.ts';
import { cutByShutdown, shutdownCut } from './server/cut.ts';
import { ChatStreamAssembler, CompletionStreamAssembler } from './stream/assemble.ts';
import { bailStage, parallelStage, waterfallStage } from './stage-runner.ts';
import { writeForwarded } from './stream/forward.ts';

const anonymous = Object.freeze({ id: 'anonymous', role: 'anonymous' as const });
/** What a cache hit costs: the answer's own usage stays in its body, spend records see nothing. */
const noUsage = Object.freeze({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });

/**
 * The request with `stream_options.include_usage` on, when the client left it off (the gateway
 * needs the usage; the client is not sent the extra chunk). A new object: the client's bytes no
 * longer describe it, so they are not forwarded as they came.
 */
function withStreamUsage(ctx: RequestContext, request: CanonicalRequest): CanonicalRequest {
  const options = (request as { stream_options?: { include_usage?: boolean | null } | null }).stream_options;
  if (options?.include_usage === true) return request;
  ctx.hideUsageChunk = true;
  return { ...request, stream_options: { ...options, include_usage: true } } as CanonicalRequest;
}

/** The client's abort controller per response, so one shared listener can abort it on disconnect. */
const controllers = new WeakMap<ServerResponse, AbortController>();
function onResponseClose(this: ServerResponse): void {
  const controller = controllers.get(this);
  if (controller === undefined) return;
  if (!this.writableFinished) controller.abort();
  // The answer is written (or dropped): the bytes it held no longer count against the budget.
  releaseAnswerBuffer(controller.signal);
}

/**
 * Runs one request through the stages: auth → transform.request → route → cache.lookup → call →
 * respond (transform.response | transform.chunk) → cache.store, log. The only caller of the
 * hooks, and the only place an error becomes a response.
 */
export class Pipeline {
  readonly #gateway: Gateway;
  readonly #bodyLimit: number;
  readonly #chunkTransform: ChunkTransform | undefined;
  /** Whether the client's body bytes are kept for forwarding: only without transform.request taps. */
  readonly #keepRawBody: boolean;
  /** Whether large pass-through answers may be forwarded unbuffered: only without transform.response taps. */
  readonly #forwardLarge: boolean;
  /** Whether every stream's usage is asked for upstream (a plugin called needStreamUsage). */
  readonly #streamUsage: boolean;
  // The tapped stages, run without tapable's per-call machinery (stage-runner.ts); undefined when untapped.
  readonly #auth: ((ctx: RequestContext) => Promise<Principal | undefined>) | undefined;
  readonly #transformRequest: ((request: CanonicalRequest, ctx: RequestContext) => Promise<CanonicalRequest>) | undefined;
  readonly #route: ((ctx: RequestContext) => Promise<RoutePlan | undefined>) | undefined;
  readonly #lookup: ((ctx: RequestContext) => Promise<CallResult | undefined>) | undefined;
  readonly #callStage: ((ctx: RequestContext, plan: RoutePlan) => Promise<CallResult | undefined>) | undefined;
  readonly #transformResponse: ((result: FinalResult, ctx: RequestContext) => Promise<FinalResult>) | undefined;
  readonly #log: ((ctx: RequestContext, outcome: Outcome) => void) | undefined;

  constructor(gateway: Gateway) {
    this.#gateway = gateway;
    this.#bodyLimit = gateway.config.server.bodyLimit;
    // Process-wide, like the budget it sets: the last gateway started in a process decides.
    configureAnswerBuffers(gateway.config.server.answerBuffer);
    const chunk = gateway.hooks.transform.chunk;
    // Decided once: an untapped chunk stage costs nothing per chunk.
    this.#chunkTransform = chunk.isUsed() ? (c, ctx) => chunk.call(c, ctx) : undefined;
    // Decided once too: a tap may change the request in place, so its bytes would no longer match.
    this.#keepRawBody = !gateway.hooks.transform.request.isUsed();
    // A response tap must see every answer whole, unless it says it only needs held ones (the
    // cache's); the cache and log do not need forwarded ones: an answer over the forward limit is
    // too large to cache (the limit defaults to the cache's).
    this.#streamUsage = gateway.streamUsageNeeded;
    this.#forwardLarge = gateway.hooks.transform.response.taps.every((tap) => (tap as { onlyHeldAnswers?: boolean }).onlyHeldAnswers === true);
    const hooks = gateway.hooks;
    this.#auth = hooks.auth.isUsed() ? bailStage(hooks.auth) : undefined;
    this.#transformRequest = hooks.transform.request.isUsed() ? waterfallStage(hooks.transform.request) : undefined;
    this.#route = hooks.route.isUsed() ? bailStage(hooks.route) : undefined;
    this.#lookup = hooks.cache.lookup.isUsed() ? bailStage(hooks.cache.lookup) : undefined;
    this.#callStage = hooks.call.isUsed() ? bailStage(hooks.call) : undefined;
    this.#transformResponse = hooks.transform.response.isUsed() ? waterfallStage(hooks.transform.response) : undefined;
    this.#log = hooks.log.isUsed() ? parallelStage(hooks.log, (err) => gateway.log.error({ err }, 'log stage failed')) : undefined;
  }

  /** A context for a request, wired to abort when the client disconnects. */
  createContext(operation: ContextOperation, req: IncomingMessage, res: ServerResponse, requestId?: string): RequestContext {
    const controller = new AbortController();
    controllers.set(res, controller);
    res.once('close', onResponseClose);
    return new RequestContext({
      id: requestId ?? requestIdFrom(req.headers),
      operation,
      headers: req.headers,
      signal: controller.signal,
      rootLog: this.#gateway.log,
      forwardAnswersAbove: this.#forwardLarge ? answerBufferLimits().forwardAboveBytes : undefined,
    });
  }

  /**
   * Ends a model call still open when the shutdown's grace period is over: its upstream call is
   * aborted, and the call answers 503 or ends its stream with a `server_shutting_down` event.
   * Returns false for a response that is not a model call (health, docs: left to finish).
   */
  cut(res: ServerResponse): boolean {
    const controller = controllers.get(res);
    if (controller === undefined) return false;
    controller.abort(shutdownCut);
    return true;
  }

  /** The auth stage alone (also used by routes that are not model calls). */
  async authenticate(ctx: RequestContext): Promise<void> {
    const auth = this.#auth;
    if (auth === undefined) {
      ctx.principal = anonymous;
      return;
    }
    const principal = await auth(ctx);
    if (principal === undefined || principal === null) throw unauthorized('invalid API key');
    ctx.principal = principal;
  }

  /**
   * Serves one model call, start to finish. Never rejects: the server's listener does not wait
   * for it, so a rejection here would be unhandled, and Node ends the process on one.
   */
  async handle(operation: Operation, req: IncomingMessage, res: ServerResponse, requestId?: string, inbound?: InboundFormat): Promise<void> {
    let ctx: RequestContext | undefined;
    try {
      ctx = this.createContext(operation, req, res, requestId);
      if (inbound !== undefined) {
        ctx.inbound = inbound;
        // The answer is translated, so it is always held whole.
        ctx.forwardAnswersAbove = undefined;
      }
      let outcome: Outcome;
      try {
        await this.authenticate(ctx);
        await this.#readRequest(ctx, operation, req);
        const plan = await this.#routeCall(ctx);
        const result = (await this.#lookupCache(ctx)) ?? (await this.#call(ctx, plan));
        outcome = await this.#respond(ctx, res, result);
      } catch (err) {
        outcome = this.fail(ctx, res, err);
      }
      this.#finish(ctx, outcome);
    } catch (err) {
      // Only a bug gets here (fail and finish do not throw by design): it costs this request, a 500.
      this.escaped(res, err, ctx?.id ?? requestId ?? requestIdFrom(req.headers));
    }
  }

  /**
   * Serves one forwarded call (images, audio, moderations, rerank; see `core/forward/`): auth →
   * route (only deployments whose provider offers the operation) → call → the answer passed
   * through as it arrives → log. No `transform.*` or cache stage: the body goes up as the client
   * sent it, and the answer is never held whole. Never rejects, as `handle`.
   */
  async handleForward(route: ForwardRoute, req: IncomingMessage, res: ServerResponse, requestId?: string): Promise<void> {
    let ctx: RequestContext | undefined;
    try {
      ctx = this.createContext(route.operation, req, res, requestId);
      let outcome: Outcome;
      try {
        await this.authenticate(ctx);
        const forward = await readForwardRequest(route, req, this.#bodyLimit);
        ctx.forward = forward;
        // The stages type `request` as a canonical one; forwarded bodies are read only by field.
        ctx.request = forward.request as unknown as CanonicalRequest;
        ctx.model = forward.model;
        const plan = this.#offering(await this.#routeCall(ctx), route);
        ctx.plan = plan;
        outcome = await this.#respond(ctx, res, await this.#call(ctx, plan));
      } catch (err) {
        outcome = this.fail(ctx, res, err);
      }
      ctx.forward?.body.close();
      this.#finish(ctx, outcome);
    } catch (err) {
      this.escaped(res, err, ctx?.id ?? requestId ?? requestIdFrom(req.headers));
    }
  }

  /**
   * Serves one token-count call (`POST /v1/messages/count_tokens`): auth → route (admission: it
   * counts toward rpm, reserves no tokens) → call (each deployment counts exactly or is estimated
   * locally; fallbacks as for any call) → the count in the client's format → log. No
   * `transform.*` or cache stage, no usage (so no tpm and no spend). Never rejects, as `handle`.
   */
  async handleCount(format: CountTokensFormat, req: IncomingMessage, res: ServerResponse, requestId?: string): Promise<void> {
    let ctx: RequestContext | undefined;
    try {
      ctx = this.createContext('count_tokens', req, res, requestId);
      let outcome: Outcome;
      try {
        await this.authenticate(ctx);
        const body = parseJsonBody(await readBodyBytes(req, this.#bodyLimit));
        const chat = format.decode(body);
        ctx.countTokens = { body: body as Record<string, unknown>, chat };
        ctx.request = chat;
        ctx.model = chat.model;
        const result = await this.#call(ctx, await this.#routeCall(ctx));
        if (result.kind !== 'complete') throw internalError('a token count that is not a complete answer');
        const count = tokenCountOf(result);
        ctx.tokenCount = count;
        if (!count.exact) ctx.responseHeaders['x-switchyard-token-count'] = 'estimated';
        ctx.timings.firstByte = performance.now();
        writeJson(ctx, res, JSON.stringify(format.encode(count)));
        // No result: nothing to cache, and the log stage sees a call without usage.
        outcome = { status: 200, error: undefined, stream: false, result: undefined };
      } catch (err) {
        outcome = this.fail(ctx, res, err, format.errors);
      }
      this.#finish(ctx, outcome);
    } catch (err) {
      this.escaped(res, err, ctx?.id ?? requestId ?? requestIdFrom(req.headers));
    }
  }

  /** The plan's deployments whose provider offers the route; none is a 400 naming the provider. */
  #offering(plan: RoutePlan, route: ForwardRoute): RoutePlan {
    const providers = this.#gateway.providers;
    const offers = (d: Deployment): boolean => offersRoute(providers.get(d.provider), route);
    if (plan.deployments.every(offers)) return plan;
    const deployments = plan.deployments.filter(offers);
    if (deployments.length === 0) throw operationNotOffered((plan.deployments[0] as Deployment).provider, route);
    return { ...plan, deployments };
  }

  /** Logs and answers (500 envelope, or a reset once headers are out) what escaped a request's own handling. */
  escaped(res: ServerResponse, err: unknown, requestId: string): void {
    try {
      this.#gateway.log.error({ err, reqId: requestId }, 'request handler failed');
    } catch {
      // A value the logger cannot serialise must not stop the answer.
    }
    writeError(undefined, res, internalError(), requestId);
  }

  async #readRequest(ctx: RequestContext, operation: Operation, req: IncomingMessage): Promise<void> {
    const bytes = await readBodyBytes(req, this.#bodyLimit);
    if (ctx.inbound !== undefined) return this.#readInbound(ctx, ctx.inbound, bytes);
    let request = validateRequest(operation, parseJsonBody(bytes));
    if (this.#keepRawBody) {
      ctx.rawBody = bytes;
      ctx.rawRequest = request;
    } else if (this.#transformRequest !== undefined) {
      request = await this.#transformRequest(request, ctx);
    }
    ctx.stream = operation !== 'embeddings' && (request as { stream?: boolean | null }).stream === true;
    if (ctx.stream && this.#streamUsage) request = withStreamUsage(ctx, request);
    ctx.request = request;
    ctx.model = request.model;
  }

  /**
   * Another API format: decoded to a chat request, which is then checked as any chat request is.
   * A format some providers speak natively keeps the client's bytes for native attempts, and a
   * body only they can serve stands in as a minimal chat request that translated attempts refuse.
   */
  async #readInbound(ctx: RequestContext, inbound: InboundFormat, bytes: Buffer): Promise<void> {
    const body = parseJsonBody(bytes);
    if (inbound.native !== undefined) ctx.native = NativeRequest.of(inbound.native, bytes, body, ctx.headers);
    let decoded;
    try {
      decoded = await inbound.decode(body, ctx);
    } catch (err) {
      const standIn = ctx.native === undefined ? undefined : untranslatedStandIn(err, body);
      if (standIn === undefined) throw err;
      ctx.native?.refuseTranslation(err as GatewayError);
      decoded = standIn;
    }
    let request: CanonicalRequest = validateRequest('chat', decoded);
    if (this.#transformRequest !== undefined) request = await this.#transformRequest(request, ctx);
    ctx.request = request;
    ctx.model = request.model;
    ctx.stream = (request as { stream?: boolean | null }).stream === true;
  }

  async #routeCall(ctx: RequestContext): Promise<RoutePlan> {
    const plan = this.#route === undefined ? undefined : await this.#route(ctx);
    if (plan === undefined || plan === null || plan.deployments.length === 0) throw modelNotFound(ctx.model);
    const kept = pinnedPlan(plan, ctx.native);
    ctx.plan = kept;
    return kept;
  }

  /** Whether some deployment of the plan would serve the call natively (its answer is never cached). */
  #nativeIn(ctx: RequestContext): boolean {
    const operation = ctx.native?.nativeAllowed === true ? ctx.native.operation : undefined;
    if (operation === undefined || ctx.plan === undefined) return false;
    const providers = this.#gateway.providers;
    return ctx.plan.deployments.some((d) => providers.get(d.provider)?.forwards?.includes(operation) === true);
  }

  async #lookupCache(ctx: RequestContext): Promise<CallResult | undefined> {
    const lookup = this.#lookup;
    // A translated answer must not stand in for a native one: it lacks what the translation drops.
    if (lookup === undefined || this.#nativeIn(ctx)) return undefined;
    const hit = await lookup(ctx);
    ctx.cacheStatus = hit === undefined || hit === null ? 'miss' : 'hit';
    return hit ?? undefined;
  }

  async #call(ctx: RequestContext, plan: RoutePlan): Promise<CallResult> {
    const call = this.#callStage;
    if (call !== undefined) {
      const result = await call(ctx, plan);
      if (result === undefined || result === null) throw noHealthyDeployment(ctx.model);
      return result;
    }
    // No call strategy configured: the plan's first deployment, once.
    return this.#gateway.invoke(ctx, plan.deployments[0] as RoutePlan['deployments'][number]);
  }

  async #respond(ctx: RequestContext, res: ServerResponse, result: CallResult): Promise<Outcome> {
    if (result.kind === 'complete') {
      let body = result.body;
      const transform = this.#transformResponse;
      if (transform !== undefined) {
        const changed = await transform(body.value, ctx);
        if (changed !== body.value) body = JsonBody.of(changed);
      }
      ctx.usage = ctx.cacheStatus === 'hit' ? noUsage : ((body.value as { usage?: typeof ctx.usage }).usage ?? undefined);
      ctx.timings.firstByte = performance.now();
      ctx.responseBody = body;
      // Another API format gets its own JSON; the canonical body stays what cache and log see.
      const inbound = ctx.inbound;
      writeJson(ctx, res, inbound === undefined ? body.bytes : JSON.stringify(await inbound.encode(body.value as ChatCompletion, ctx)));
      return { status: 200, error: undefined, stream: false, result: body.value };
    }
    if (result.kind === 'forward') {
      const error = await writeForwarded(ctx, res, result);
      // A native Messages or Responses stream is relayed as a forwarded answer: still a stream.
      const stream = ctx.native !== undefined && ctx.stream;
      if (error !== undefined) return { status: error.status === 499 ? 499 : 200, error, stream, result: undefined };
      return { status: 200, error: undefined, stream, result: undefined };
    }
    const assembler = ctx.operation === 'chat' ? new ChatStreamAssembler() : new CompletionStreamAssembler();
    const observe = (chunk: StreamChunk): void =>
      ctx.operation === 'chat'
        ? (assembler as ChatStreamAssembler).add(chunk as ChatCompletionChunk)
        : (assembler as CompletionStreamAssembler).add(chunk as CompletionChunk);
    if (ctx.inbound !== undefined) ctx.encoder = ctx.inbound.encodeStream(ctx);
    const error = await writeStream(ctx, res, result.events, observe, this.#chunkTransform);
    ctx.usage = ctx.cacheStatus === 'hit' ? noUsage : assembler.usage;
    if (error !== undefined) return { status: error.status === 499 ? 499 : 200, error, stream: true, result: undefined };
    return { status: 200, error: undefined, stream: true, result: assembler.result() };
  }

  /** Turns anything thrown into a response (or nothing, if the client left). */
  fail(ctx: RequestContext, res: ServerResponse, err: unknown, envelope?: ErrorEnvelope): Outcome {
    // Cut by the shutdown: whatever the aborted call threw, the client is owed a 503.
    const cut = cutByShutdown(ctx.signal);
    const error = cut ? serverShuttingDown() : toGatewayError(err);
    if (!cut && !(err instanceof GatewayError)) {
      const plugin = err instanceof PluginError ? { plugin: err.plugin, stage: err.stage } : {};
      ctx.log.error({ err: err instanceof PluginError ? err.cause : err, ...plugin }, 'request failed inside the gateway');
    }
    const status = res.destroyed || (ctx.signal.aborted && !cut) ? 499 : error.status;
    if (status !== 499) writeError(ctx, res, error, ctx.id, envelope);
    return { status, error, stream: ctx.stream, result: undefined };
  }

  /** After the client has its answer: store and log, off the request path; failures are only logged. */
  #finish(ctx: RequestContext, outcome: Outcome): void {
    ctx.timings.end = performance.now();
    const hooks = this.#gateway.hooks;
    if (outcome.result !== undefined && ctx.cacheStatus !== 'hit' && hooks.cache.store.isUsed()) {
      hooks.cache.store.promise(ctx, outcome.result as FinalResult).catch((err: unknown) => {
        ctx.log.warn({ err }, 'cache store failed');
      });
    }
    this.#log?.(ctx, outcome);
  }
}
