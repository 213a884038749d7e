import { GatewayError, type RequestContext } from 'switchyard';
import type { TranslatedRequest } from './request.ts';
import type { ConversationItem } from './types.ts';

/**
 * What a Responses request's answer needs from its decoding: the echoed settings, its input
 * items and the history it continued, and who asked (the stored record's owner).
 */
export interface ResponsesTurn {
  readonly translated: TranslatedRequest;
  /** The stored history of `previous_response_id`, empty without one. */
  readonly previousHistory: readonly ConversationItem[];
  /** `ctx.principal.id` of the caller. */
  readonly owner: string | undefined;
}

/** What a natively relayed answer needs from the request: whether to keep it, and for whom. */
export interface NativeTurn {
  /** The request's `store` (default true): only a stored response is recorded, and so continuable. */
  readonly store: boolean;
  readonly owner: string | undefined;
}

/** Slots no other plugin can name by accident. */
export const turnSlot: unique symbol = Symbol('inbound-responses turn');
export const nativeTurnSlot: unique symbol = Symbol('inbound-responses native turn');

declare module 'switchyard' {
  interface ContextState {
    [turnSlot]?: ResponsesTurn;
    [nativeTurnSlot]?: NativeTurn;
  }
}

/** Keeps the turn on the request, for the answer or stream encoded later. */
export function rememberTurn(ctx: RequestContext, turn: ResponsesTurn): void {
  ctx.state[turnSlot] = turn;
}

/** The turn `decode` kept; the pipeline never encodes a request it did not decode. */
export function turnOf(ctx: RequestContext): ResponsesTurn {
  const turn = ctx.state[turnSlot];
  if (turn === undefined) throw new GatewayError(500, 'server_error', 'a Responses answer without its request', { code: 'internal_error' });
  return turn;
}
