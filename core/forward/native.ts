import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../errors.ts';
import type { NativeFormat } from '../inbound.ts';
import type { ChatRequest } from '../openai/types.ts';
import type { RequestContext } from '../context.ts';
import type { AnswerObserver } from '../result.ts';
import type { Deployment, RoutePlan } from '../routing/types.ts';
import { JsonForwardBody, type ForwardBody } from './body.ts';
import type { NativeOperation } from './operations.ts';

/** What a native call sends, besides the deployment's URL and keys. */
export interface NativeCallInit {
  readonly operation: NativeOperation;
  /** `POST` unless set: a retrieval (`GET`, `DELETE`) of something the upstream keeps. */
  readonly method?: 'GET' | 'POST' | 'DELETE';
  /** Under the provider's API root: `/messages`, `/responses`, `/responses/{id}/input_items?limit=5`. */
  readonly path: string;
  /** The client's body (only `model` set per deployment); none for a `GET` or `DELETE`. */
  readonly body?: ForwardBody;
  /** Client headers passed through as they came. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Reads the relayed answer (usage, ids); a JSON answer's tail is read OpenAI-style without one. */
  readonly observe?: (ctx: RequestContext, target: Deployment) => AnswerObserver;
}

/**
 * A call in a client API format a provider may speak natively (`ctx.native`): what a native
 * attempt sends, and what a translated attempt must not do. Set by the core for a Messages or
 * Responses call, before the format decodes it; by a plugin for a retrieval it forwards.
 *
 * @example
 * // A plugin route forwarding `GET /v1/responses/{id}` to the deployment that holds it:
 * call.ctx.native = new NativeRequest({ operation: 'responses', method: 'GET', path: `/responses/${id}` });
 * const result = await gateway.invoke(call.ctx, deployment); // kind 'forward': the upstream's answer
 * // In a format's decode: only this deployment may serve the call, and no translated attempt.
 * ctx.native?.pin('smart#0', previousResponseNotFound(id));
 */
export class NativeRequest {
  readonly operation: NativeOperation;
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body: ForwardBody | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly observe: ((ctx: RequestContext, target: Deployment) => AnswerObserver) | undefined;
  /** The one deployment native attempts may use (a conversation its upstream keeps); any when unset. */
  #pinned: string | undefined = undefined;
  #refusal: GatewayError | undefined = undefined;
  #translateOnly = false;

  constructor(init: NativeCallInit) {
    this.operation = init.operation;
    this.method = init.method ?? 'POST';
    this.path = init.path;
    this.body = init.body;
    this.headers = init.headers ?? {};
    this.observe = init.observe;
  }

  /**
   * A create call in `format` from the client's body bytes (and the object parsed from them), with
   * the format's headers copied from the client's request. Undefined for a body that is not a
   * JSON object with a model (the format's decoding answers that one).
   */
  static of(format: NativeFormat, bytes: Buffer, body: unknown, headers: IncomingHttpHeaders): NativeRequest | undefined {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
    const passed: Record<string, string> = {};
    for (const name of format.headers ?? []) {
      const value = headers[name];
      if (typeof value === 'string') passed[name] = value;
      else if (Array.isArray(value)) passed[name] = value.join(',');
    }
    return new NativeRequest({
      operation: format.operation,
      path: format.path,
      body: new JsonForwardBody(bytes, body as Record<string, unknown>),
      headers: passed,
      observe: (ctx, target) => format.observe(ctx, target),
    });
  }

  get pinned(): string | undefined {
    return this.#pinned;
  }

  /**
   * Only `deployment` may serve this call (natively); a plan without it, and every translated
   * attempt, fail with `refusal`.
   */
  pin(deployment: string, refusal: GatewayError): void {
    this.#pinned = deployment;
    this.#refusal = refusal;
  }

  /**
   * Every attempt is translated, natively capable providers included: the call continues what
   * only the gateway holds (a conversation it stored for a translated response).
   */
  translateOnly(): void {
    this.#translateOnly = true;
  }

  /** Whether an attempt on a provider that speaks the format may go natively. */
  get nativeAllowed(): boolean {
    return !this.#translateOnly;
  }

  /** A translated attempt fails with `refusal` (the first one given is kept). */
  refuseTranslation(refusal: GatewayError): void {
    this.#refusal ??= refusal;
  }

  /** Why a translated attempt must not run; undefined when it may. */
  translationRefusal(): GatewayError | undefined {
    return this.#refusal;
  }
}

/**
 * The chat request standing in for a body only a native provider can serve (decoding refused it
 * with `unsupported_parameter`), so that auth, routing and limits still see its model: the
 * refusal stays with `ctx.native` and fails any translated attempt. Undefined when `err` is any
 * other failure, or the body names no model.
 */
export function untranslatedStandIn(err: unknown, body: unknown): ChatRequest | undefined {
  if (!(err instanceof GatewayError) || err.status !== 400 || err.extra.code !== 'unsupported_parameter') return undefined;
  const model = (body as { model?: unknown }).model;
  if (typeof model !== 'string' || model === '') return undefined;
  const stream = (body as { stream?: unknown }).stream === true;
  return { model, messages: [{ role: 'user', content: '' }], ...(stream ? { stream: true } : {}) };
}

/** A plan cut to the deployment a native call is pinned to; none there is the pin's refusal. */
export function pinnedPlan(plan: RoutePlan, native: NativeRequest | undefined): RoutePlan {
  const pinned = native?.pinned;
  if (pinned === undefined) return plan;
  const deployments = plan.deployments.filter((d) => d.id === pinned);
  if (deployments.length === 0) throw (native as NativeRequest).translationRefusal() ?? new GatewayError(400, 'invalid_request_error', 'this call must go to one deployment, which its model does not route to');
  return { ...plan, deployments, contextWindowFallbacks: [], contentPolicyFallbacks: [] };
}
