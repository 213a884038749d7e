import type { IncomingHttpHeaders } from 'node:http';
import type { ChatRequest } from '../openai/types.ts';
import type { Deployment } from '../routing/types.ts';
import type { ErrorEnvelope } from '../server/plugin-routes.ts';

/**
 * A token-count call's request (Anthropic's `POST /v1/messages/count_tokens`): the client's body
 * as it came, for a provider that counts in that format natively, and its canonical chat
 * translation, for routing, limits and providers that count a translated request.
 */
export interface CountTokensRequest {
  readonly body: Readonly<Record<string, unknown>>;
  readonly chat: ChatRequest;
}

/** How many input tokens a request holds; `exact` when the provider counted, false for the local estimate. */
export interface TokenCount {
  readonly inputTokens: number;
  readonly exact: boolean;
}

/**
 * The client's format of a token-count route: its body decoded (400 on bad input), the count
 * encoded as its answer, and its error envelope. A route with one is served by the core through
 * auth, route (admission: rpm, not tpm), call (fallbacks) and log, never cache or spend.
 */
export interface CountTokensFormat {
  /** Names the format in logs (`messages`). */
  readonly name: string;
  /** The client's body → its canonical chat translation. Throws GatewayError (400) on bad input. */
  decode(body: unknown): ChatRequest;
  encode(count: TokenCount): unknown;
  readonly errors: ErrorEnvelope;
}

/**
 * How one provider counts a request's tokens: the body of its count call, and the count read
 * from its answer. The URL comes from the provider's `request()` for operation `count_tokens`.
 * A provider without one is answered by the gateway's local estimate.
 */
export interface CountTokensTranslation<Req = unknown, Res = unknown> {
  toRequest(request: CountTokensRequest, target: Deployment): Req;
  /** Client headers the provider's count call carries over its own (`anthropic-beta`). */
  headers?(client: IncomingHttpHeaders): Record<string, string>;
  /** The count from the answer; throws GatewayError (502) when it has none. */
  fromResponse(res: Res, target: Deployment): number;
}
