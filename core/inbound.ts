import type { RequestContext } from './context.ts';
import type { GatewayError } from './errors.ts';
import type { NativeOperation } from './forward/operations.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from './openai/types.ts';
import type { AnswerObserver } from './result.ts';
import type { Deployment } from './routing/types.ts';
import type { ErrorEnvelope } from './server/plugin-routes.ts';

/**
 * Turns one request's canonical chat chunks into the client's stream format. Each method
 * returns the text to write (server-sent event frames), possibly empty.
 */
export interface StreamEncoder {
  /** Before the first chunk, written with the headers (`message_start`, `response.created`). */
  start(): string;
  chunk(chunk: ChatCompletionChunk): string;
  /**
   * After the last chunk, when the stream ended well. May be async: the frames are written once
   * it settles, so a format can finish work the client will rely on first (the Responses API
   * stores the response before `response.completed` tells the client it may continue from it).
   * A rejection fails the stream (`fail`).
   */
  end(): string | Promise<string>;
  /** The last frames when the stream fails after it started. */
  fail(error: GatewayError): string;
}

/**
 * A client API format other than chat completions (Anthropic's Messages, OpenAI's Responses),
 * served over the canonical chat format: the request is decoded to a chat request, runs through
 * every stage as a chat call does (auth, route, cache, call, log), and the answer, stream or error
 * is encoded back. Translations are pure functions; this is where a route plugs them in.
 */
export interface InboundFormat {
  /** Names the format in logs and spend rows (`messages`, `responses`). */
  readonly name: string;
  /** The client's body → a canonical chat request. Throws GatewayError (400) on bad input. */
  decode(body: unknown, ctx: RequestContext): ChatRequest | Promise<ChatRequest>;
  /**
   * A complete chat answer → the client's JSON answer, or a promise of it: the answer is written
   * once it settles (a format that stores the answer does so before the client can ask for it).
   * A rejection is answered in `errors`' envelope.
   */
  encode(result: ChatCompletion, ctx: RequestContext): unknown;
  /** A fresh encoder for one streamed answer. */
  encodeStream(ctx: RequestContext): StreamEncoder;
  /** The format's error envelope and status. */
  readonly errors: ErrorEnvelope;
  /**
   * How the format goes to a provider that speaks it natively (one whose `forwards` lists
   * `native.operation`). Each attempt decides by its deployment's provider: natively, the
   * client's body goes up as it came (only `model` set to the deployment's) and the answer, JSON
   * or event stream, is relayed byte for byte; otherwise the decoded chat request is translated.
   * A `decode` refusal with code `unsupported_parameter` (something only the native provider
   * can do) fails only translated attempts.
   */
  readonly native?: NativeFormat;
}

/** The native side of an inbound format. */
export interface NativeFormat {
  readonly operation: NativeOperation;
  /** The upstream path of a create call under the provider's API root (`/messages`, `/responses`). */
  readonly path: string;
  /** Request headers of the client sent upstream as they are, when present (`anthropic-version`, `anthropic-beta`). */
  readonly headers?: readonly string[];
  /**
   * A fresh reader of one natively relayed answer (`ctx.stream` tells JSON from an event stream):
   * it reports the usage in OpenAI's meaning, for spend, limits and metrics.
   */
  observe(ctx: RequestContext, target: Deployment): AnswerObserver;
}
