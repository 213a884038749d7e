import type { IncomingHttpHeaders } from 'node:http';
import type { CountTokensRequest, TokenCount } from './count/types.ts';
import type { ForwardOperation } from './forward/operations.ts';
import type { NativeRequest } from './forward/native.ts';
import type { ForwardRequest } from './forward/read.ts';
import type { ForwardUnits } from './forward/units.ts';
import type { Logger } from './log.ts';
import type { CanonicalRequest, FinalResult, Operation, Usage } from './openai/types.ts';
import type { JsonBody } from './result.ts';
import type { InboundFormat, StreamEncoder } from './inbound.ts';
import type { Attempt, Deployment, RoutePlan } from './routing/types.ts';

/**
 * Typed per-request state for plugins, by declaration merging:
 *
 * @example
 * declare module 'switchyard' {
 *   interface ContextState { tenant?: string }
 * }
 * // later, in a tap: ctx.state.tenant = 'acme';
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ContextState {}

/** Who is calling, as decided by the auth stage. */
export interface Principal {
  readonly id: string;
  readonly role: 'admin' | 'user' | 'anonymous';
  readonly team?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  /**
   * Which model names this caller may use, when not every one: `GET /v1/models` lists only those
   * (the auth plugin still refuses the others at call time).
   */
  readonly allows?: (model: string) => boolean;
}

/** Milliseconds from `performance.now()`; unset until reached. */
export interface Timings {
  readonly start: number;
  firstByte: number | undefined;
  end: number | undefined;
}

/**
 * `route`: a plugin's own route (admin API, page, another inbound format). A forwarded operation
 * (`images`, `speech`, `transcriptions`, `moderations`, `rerank`) is a model call whose body is
 * passed through (`ctx.forward`). `count_tokens`: a token-count call (`ctx.countTokens`).
 */
export type ContextOperation = Operation | ForwardOperation | 'models' | 'route' | 'count_tokens';

export interface ContextInit {
  readonly id: string;
  readonly operation: ContextOperation;
  readonly headers: IncomingHttpHeaders;
  readonly signal: AbortSignal;
  readonly rootLog: Logger;
  /** See `RequestContext.forwardAnswersAbove`. */
  readonly forwardAnswersAbove?: number | undefined;
}

/**
 * Everything one request carries through the stages. A fixed shape: every field is set in the
 * constructor, so V8 keeps one hidden class for all requests.
 */
export class RequestContext {
  readonly id: string;
  readonly operation: ContextOperation;
  readonly headers: IncomingHttpHeaders;
  /** The caller's key from `Authorization: Bearer` or `x-api-key`. */
  readonly apiKey: string | undefined;
  /** Aborted when the client goes away; passed to every upstream call. */
  readonly signal: AbortSignal;
  readonly timings: Timings;
  readonly attempts: Attempt[];
  readonly state: ContextState;
  /** Set by the auth stage. */
  principal: Principal | undefined;
  /**
   * The canonical request. Set after auth (the body is read only for authenticated callers),
   * rewritten by `transform.request`; auth taps must not read it.
   */
  request!: CanonicalRequest;
  /**
   * The client's body bytes, while they still describe `request`: set by the core only when no
   * `transform.request` tap exists, together with the object parsed from them. A provider that
   * sends the request unchanged forwards these bytes instead of serialising it again; see
   * `bytesOf`.
   */
  rawBody: Buffer | undefined;
  /** The object parsed from `rawBody` (the identity `bytesOf` checks). */
  rawRequest: CanonicalRequest | undefined;
  /** The model name the client sent. */
  model: string;
  /** Whether the client asked for a stream. */
  stream: boolean;
  plan: RoutePlan | undefined;
  /** The deployment that answered. */
  deployment: Deployment | undefined;
  cacheStatus: 'hit' | 'miss' | undefined;
  /** Token counts, once known (end of a stream, or a complete answer); all zero for a cache hit. */
  usage: Usage | undefined;
  /**
   * The complete (non-streamed) answer as written to the client, set just before it is written:
   * its `value` is the result `cache.store` and `log` receive, its `bytes` what the client got,
   * so a store need not serialise the answer again. Undefined for streams and errors.
   */
  responseBody: JsonBody<FinalResult> | undefined;
  /** Headers plugins add to the response (before it starts). */
  readonly responseHeaders: Record<string, string>;
  /**
   * Bytes past which a pass-through non-streamed answer is forwarded as it arrives instead of
   * held whole; undefined when a later stage (a `transform.response` tap) needs every answer
   * whole. Set by the core from `server.answerBuffer.forwardAboveBytes`.
   */
  forwardAnswersAbove: number | undefined;
  /**
   * The client's API format when it is not the operation's own (Anthropic's Messages, OpenAI's
   * Responses): answers, streams and errors are encoded with it. Undefined for chat, completions
   * and embeddings routes.
   */
  inbound: InboundFormat | undefined;
  /**
   * The gateway asked upstream for usage the client did not ask for (`GatewayApi.needStreamUsage`):
   * the usage-only chunk is kept from the client.
   */
  hideUsageChunk: boolean;
  /** The encoder of a streamed answer in an `inbound` format, once the stream has started. */
  encoder: StreamEncoder | undefined;
  /**
   * A forwarded operation's request (images, audio, moderations, rerank): its route and the
   * client's body as it goes upstream. `request` then holds the JSON body (or `{ model }` of a
   * multipart upload) for plugins that read fields such as `user`. Undefined for other calls.
   */
  forward: ForwardRequest | undefined;
  /**
   * What a forwarded call used in the units it is priced by (images, characters, seconds of audio,
   * searches, requests), set once its answer has passed; undefined for other calls and failures.
   */
  units: ForwardUnits | undefined;
  /**
   * A token-count call's request (`operation` `count_tokens`): the client's body and its chat
   * translation, which is also `request`. Undefined for other calls.
   */
  countTokens: CountTokensRequest | undefined;
  /**
   * The count a token-count call answered, once it has one: `exact: false` when the gateway
   * estimated it locally, so its last attempt called no upstream (metrics and traces skip it).
   */
  tokenCount: TokenCount | undefined;
  /**
   * A call in a client API format some providers speak natively (Messages, Responses): what a
   * native attempt sends, and what a translated attempt must refuse. Each attempt decides by its
   * deployment's provider. Undefined for other calls.
   */
  native: NativeRequest | undefined;
  #rootLog: Logger;
  #log: Logger | undefined;

  constructor(init: ContextInit) {
    this.id = init.id;
    this.operation = init.operation;
    this.headers = init.headers;
    this.apiKey = apiKeyFrom(init.headers);
    this.signal = init.signal;
    this.timings = { start: performance.now(), firstByte: undefined, end: undefined };
    this.attempts = [];
    this.state = {};
    this.principal = undefined;
    this.rawBody = undefined;
    this.rawRequest = undefined;
    this.model = '';
    this.stream = false;
    this.plan = undefined;
    this.deployment = undefined;
    this.cacheStatus = undefined;
    this.usage = undefined;
    this.responseBody = undefined;
    this.responseHeaders = {};
    this.forwardAnswersAbove = init.forwardAnswersAbove;
    this.inbound = undefined;
    this.hideUsageChunk = false;
    this.encoder = undefined;
    this.forward = undefined;
    this.units = undefined;
    this.countTokens = undefined;
    this.tokenCount = undefined;
    this.native = undefined;
    this.#rootLog = init.rootLog;
    this.#log = undefined;
  }

  /**
   * The client's own bytes for `request`, if `request` is still the very object parsed from them
   * (a plugin that changes the request replaces the object, as `transform.request` taps and the
   * embeddings cache do); otherwise undefined and the caller serialises `request`.
   */
  bytesOf(request: CanonicalRequest): Buffer | undefined {
    return request === this.rawRequest && request === this.request ? this.rawBody : undefined;
  }

  /** A logger bound to this request's id; created on first use, since most requests never log. */
  get log(): Logger {
    return (this.#log ??= this.#rootLog.child({ reqId: this.id }));
  }
}

/**
 * Where clients put their key, first match wins: `Authorization: Bearer` (OpenAI), `x-api-key`
 * (Anthropic), `api-key` (Azure), `x-goog-api-key` (Gemini), `x-litellm-api-key` (LiteLLM).
 */
const keyHeaders = ['x-api-key', 'api-key', 'x-goog-api-key', 'x-litellm-api-key'] as const;

function apiKeyFrom(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (auth !== undefined && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') {
    return auth.slice(7).trim();
  }
  for (const name of keyHeaders) {
    const key = headers[name];
    if (typeof key === 'string' && key.length > 0) return key;
  }
  return undefined;
}
