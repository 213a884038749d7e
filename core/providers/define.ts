import type { IncomingHttpHeaders } from 'node:http';
import type { RequestContext } from '../context.ts';
import { operationNotSupported } from '../errors.ts';
import type {
  CanonicalRequest,
  ChatCompletion,
  ChatCompletionChunk,
  ChatRequest,
  Completion,
  CompletionChunk,
  CompletionRequest,
  CreateEmbeddingResponse,
  EmbeddingRequest,
  Operation,
} from '../openai/types.ts';
import type { CountTokensTranslation } from '../count/types.ts';
import type { ForwardOperation, NativeOperation, TranslatableForwardPath } from '../forward/operations.ts';
import type { CallResult } from '../result.ts';
import type { Deployment } from '../routing/types.ts';
import { countTokensCall } from './count-tokens.ts';
import { forwardCall, operationNotOffered } from './forward.ts';
import { translatedForwardCall } from './forward-translated.ts';
import { nativeCall } from './native.ts';
import { listModels, passthroughCall } from './passthrough.ts';
import type { ModelInfo, ProviderAdapter } from './registry.ts';
import { translatedCall } from './translated.ts';
import type { ProviderErrorInfo } from './upstream-errors.ts';

/** URL and headers of one upstream call. */
export interface UpstreamInit {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly method?: 'GET' | 'POST' | 'DELETE';
}

/** What the core tells `request()` about the call it is about to make. */
export interface CallInfo {
  readonly operation: Operation | ForwardOperation | NativeOperation | 'models' | 'count_tokens';
  readonly stream: boolean;
  /**
   * The serialised body, for providers that sign it (Bedrock); undefined for bodies forwarded as
   * the client sent them (a translated forward's body is set).
   */
  readonly body: string | undefined;
  /**
   * A forwarded operation's path under the provider's OpenAI-style base (`/images/generations`,
   * `/audio/translations`, `/rerank`, `/responses/{id}/input_items`): the operation alone does
   * not tell the route.
   */
  readonly path?: string;
}

/** One decoded upstream stream event: the parsed `data` JSON and the SSE event name, if any. */
export interface DecodedEvent {
  readonly name: string | undefined;
  readonly data: unknown;
}

/**
 * How a chat request and its answer translate to and from one provider's wire format.
 * Pure functions, no I/O; the core does transport, SSE framing, fan-out and errors.
 * Methods (not function properties) so a translation typed against the provider's SDK types
 * is still accepted where the registry erases them.
 */
export interface ChatTranslation<Req = unknown, Res = unknown, Ev = unknown, State = unknown> {
  /** Canonical params with no upstream equivalent: 400 naming the param, or dropped if configured. */
  readonly unsupported?: readonly (keyof ChatRequest)[];
  /** False when the provider has no `n`: the core fans out `n > 1` into parallel calls. */
  readonly supportsN?: boolean;
  toRequest(req: ChatRequest, target: Deployment): Req;
  fromResponse(res: Res, target: Deployment, req: ChatRequest): ChatCompletion;
  startStream(target: Deployment, req: ChatRequest): State;
  /** May throw a GatewayError for an error event in the stream. */
  fromEvent(event: Ev, state: State, name: string | undefined): readonly ChatCompletionChunk[];
  /** Chunks to send when the upstream stream ends (e.g. a usage chunk). */
  endStream?(state: State): readonly ChatCompletionChunk[];
}

export interface CompletionsTranslation<Req = unknown, Res = unknown, Ev = unknown, State = unknown> {
  readonly unsupported?: readonly (keyof CompletionRequest)[];
  readonly supportsN?: boolean;
  toRequest(req: CompletionRequest, target: Deployment): Req;
  fromResponse(res: Res, target: Deployment, req: CompletionRequest): Completion;
  startStream(target: Deployment, req: CompletionRequest): State;
  fromEvent(event: Ev, state: State, name: string | undefined): readonly CompletionChunk[];
  endStream?(state: State): readonly CompletionChunk[];
}

export interface EmbeddingsTranslation<Req = unknown, Res = unknown> {
  readonly unsupported?: readonly (keyof EmbeddingRequest)[];
  /**
   * Most inputs one upstream call takes; larger batches are split and merged in order. A function
   * when it depends on the model (Bedrock: Titan takes one text per call, Cohere 96).
   */
  readonly maxBatch?: number | ((target: Deployment) => number);
  toRequest(req: EmbeddingRequest, target: Deployment): Req;
  fromResponse(res: Res, target: Deployment, req: EmbeddingRequest): CreateEmbeddingResponse;
}

/**
 * A forwarded JSON route served by a provider whose API has an equivalent in its own shape
 * (Gemini's Imagen `:predict` for images, Cohere Rerank on Bedrock's InvokeModel): the client's
 * body, read whole, becomes the upstream's, and the upstream's JSON answer becomes the client's
 * (OpenAI's or Cohere's shape). Pure functions, no I/O, as the chat translations.
 */
export interface ForwardTranslation<Req = unknown, Res = unknown> {
  /**
   * The upstream body. Throws a GatewayError (400 naming the parameter) for what has no exact
   * equivalent, so that nothing is sent that would be answered otherwise than asked.
   */
  toRequest(request: Readonly<Record<string, unknown>>, target: Deployment): Req;
  /** The client's answer from the upstream's; may throw (an answer without results is a 502). */
  fromResponse(response: Res, target: Deployment, request: Readonly<Record<string, unknown>>): unknown;
}

export interface ModelsTranslation<Res = unknown> {
  fromResponse(res: Res): readonly ModelInfo[];
}

/** The provider speaks OpenAI's wire format for this operation: bodies and events pass through. */
export type Passthrough = 'passthrough';

export interface ProviderDefinition {
  readonly id: string;
  /** Naming rule for bare model names in the default routing. */
  claims?(model: string): boolean;
  /** URL and headers of a call: the only place a provider reads its keys. May sign (async). */
  request(target: Deployment, call: CallInfo): UpstreamInit | Promise<UpstreamInit>;
  /** Reads the provider's error body (parsed JSON, or text) into its message, code and kind. */
  errorInfo(status: number, body: unknown, headers: IncomingHttpHeaders): ProviderErrorInfo;
  readonly chat?: ChatTranslation | Passthrough;
  readonly completions?: CompletionsTranslation | Passthrough;
  readonly embeddings?: EmbeddingsTranslation | Passthrough;
  readonly models?: ModelsTranslation | Passthrough;
  /**
   * Forwarded operations the provider serves (images, audio, moderations, rerank): the client's
   * body goes to `request()`'s URL for `call.path` as it is, only `model` changed, and the answer
   * comes back as it arrives. A deployment of a provider without the operation is refused (400).
   *
   * Also the client API formats it speaks natively (`messages`: Anthropic; `responses`: OpenAI,
   * Azure): a Messages or Responses call routed to it is forwarded the same way, with
   * `call.operation` set to the format; on other providers it is translated onto chat.
   */
  readonly forwards?: readonly (ForwardOperation | NativeOperation)[];
  /**
   * Forwarded JSON routes the provider serves by translation, by their upstream path: only those
   * routes (not the operation's others: Gemini's `images` has no edits). `request()` gets the
   * route's operation and path, and the translated body to sign; the stages run as for any
   * forwarded call, and its units (images, searches) are read from the translated answer.
   */
  readonly forwardTranslations?: Readonly<Partial<Record<TranslatableForwardPath, ForwardTranslation>>>;
  /**
   * How the provider counts a request's input tokens (`POST /v1/messages/count_tokens`); `request()`
   * gives the URL for operation `count_tokens`. Without it, the gateway's local estimate answers.
   */
  readonly countTokens?: CountTokensTranslation;
  /**
   * The media type of a stream answer (Bedrock: `application/vnd.amazon.eventstream`); default
   * `text/event-stream`. A 200 stream answer of another type fails the call (an error body is
   * translated), since it would otherwise read as an empty success.
   */
  readonly streamContentType?: string;
  /** Decodes a non-SSE stream body (Bedrock's binary event stream). Default: SSE with JSON data. */
  decodeStream?(body: AsyncIterable<Uint8Array>): AsyncIterable<DecodedEvent>;
}

/**
 * Builds a provider adapter from its translations. The core supplies the transport (one pooled
 * client, the client's abort signal, timeouts), SSE parsing, unsupported-param checks, `n`
 * fan-out, embedding batching and error mapping.
 *
 * @example
 * export const acme = defineProvider({
 *   id: 'acme',
 *   request: (target) => ({ url: `${target.baseURL}/chat`, headers: { authorization: `Bearer ${target.apiKey}` } }),
 *   errorInfo: (status, body) => ({ message: String((body as { message?: string }).message ?? status) }),
 *   chat: acmeChat, // a ChatTranslation
 * });
 */
export function defineProvider(def: ProviderDefinition): ProviderAdapter {
  const operations = (['chat', 'completions', 'embeddings'] as const).filter((op) => def[op] !== undefined);
  const forwards = Object.freeze([...(def.forwards ?? [])]);
  const translations = def.forwardTranslations ?? {};
  const adapter: ProviderAdapter = {
    id: def.id,
    operations,
    forwards,
    translatedForwards: Object.freeze(Object.keys(translations)),
    invoke(ctx: RequestContext, request: CanonicalRequest, target: Deployment): Promise<CallResult> {
      const forward = ctx.forward;
      if (forward !== undefined) {
        const route = forward.route;
        const translation = route.body === 'json' ? translations[route.upstreamPath as TranslatableForwardPath] : undefined;
        if (translation !== undefined) return translatedForwardCall(def, ctx, target, translation);
        return forwards.includes(route.operation) ? forwardCall(def, ctx, target) : Promise.reject(operationNotOffered(def.id, route));
      }
      if (ctx.countTokens !== undefined) return countTokensCall(def, ctx, target);
      // Each attempt decides: a provider that speaks the client's format gets its body as it is.
      const native = ctx.native;
      if (native !== undefined) {
        if (native.nativeAllowed && forwards.includes(native.operation)) return nativeCall(def, ctx, target, native);
        const refusal = native.translationRefusal();
        if (refusal !== undefined) return Promise.reject(refusal);
      }
      const operation = ctx.operation as Operation;
      const translation = def[operation];
      if (translation === undefined) return Promise.reject(operationNotSupported(ctx.model, operation));
      if (translation === 'passthrough') return passthroughCall(def, ctx, operation, request, target);
      return translatedCall(def, ctx, operation, translation, request, target);
    },
  };
  if (def.claims) adapter.claims = def.claims.bind(def);
  if (def.models !== undefined) {
    const models = def.models;
    adapter.listModels = (signal) => listModels(def, models, signal);
  }
  return Object.freeze(adapter);
}
