import type { ChatCompletion, ChatCompletionChunk, Deployment, GatewayError, InboundFormat, Logger, NativeFormat, RequestContext, StreamEncoder } from 'switchyard';
import { chainHistory, nativeRecord, pinnedElsewhere, previousResponseNotFound, translatedRecord } from './chain.ts';
import { objectAt, optionalBoolean } from './fields.ts';
import { ResponseReader, ResponseStreamReader, type OnResponseId } from './native.ts';
import { mayAccess } from './ownership.ts';
import { previousResponseIdOf, responsesToChat } from './request.ts';
import { chatToResponse } from './response.ts';
import type { ResponseStore } from './store.ts';
import { ResponsesStreamEncoder } from './stream.ts';
import { nativeTurnSlot, rememberTurn, turnOf, type ResponsesTurn } from './turn.ts';
import type { ResponseObject } from './types.ts';

export interface ResponsesFormatOptions {
  readonly store: ResponseStore;
  /** How long a stored response can be continued, retrieved or listed. */
  readonly ttlSeconds: number;
  /** Where a failed store write is reported. */
  readonly log: Logger;
}

/**
 * OpenAI's Responses API as an inbound format. Natively passed through to deployments whose
 * provider speaks it (OpenAI, Azure: `native`), each created response recorded in the store as
 * pinned to its deployment; translated onto chat for every other provider: a body is decoded
 * with the history of its `previous_response_id` (from the store, if the caller may see it),
 * answers and streams are encoded as Responses. Errors keep OpenAI's envelope.
 *
 * A `previous_response_id` of a native response sends the request back to the deployment that
 * created it, natively (its upstream keeps the conversation); one of a translated response makes
 * every attempt translated (only the gateway holds that conversation).
 *
 * With `store` (the default) the response is written to the store before the client gets it — a
 * complete answer before it is sent, a stream before `response.completed` — so a follow-up sent
 * the moment the answer arrives finds it, on any instance sharing the store. A failed write is
 * logged and the answer still sent: the model call is done and paid for, and a follow-up then
 * gets `previous_response_not_found` (or the store's 503) instead.
 */
export function responsesFormat(options: ResponsesFormatOptions): InboundFormat {
  const { store, ttlSeconds, log } = options;

  async function keep(response: ResponseObject, turn: ResponsesTurn, ctx: RequestContext): Promise<void> {
    if (!turn.translated.echo.store) return;
    try {
      await store.put(translatedRecord(response, turn.translated.inputItems, turn.previousHistory, turn.owner), ttlSeconds);
    } catch (err) {
      log.warn({ err, reqId: ctx.id, responseId: response.id }, 'response not stored: a follow-up naming it will not find it');
    }
  }

  /** Records a natively created response as pinned to its deployment, before the client sees its id. */
  async function pin(id: string, target: Deployment, owner: string | undefined, ctx: RequestContext): Promise<void> {
    try {
      await store.put(nativeRecord({ id, object: 'response' }, { deployment: target.id, provider: target.provider, model: target.model }, [], owner), ttlSeconds);
    } catch (err) {
      log.warn({ err, reqId: ctx.id, responseId: id }, 'native response not recorded: a follow-up naming it will not find it');
    }
  }

  const native: NativeFormat = Object.freeze<NativeFormat>({
    operation: 'responses',
    path: '/responses',
    observe(ctx: RequestContext, target: Deployment) {
      const turn = ctx.state[nativeTurnSlot];
      const onId: OnResponseId | undefined = turn?.store === false ? undefined : (id) => pin(id, target, turn?.owner, ctx);
      return ctx.stream ? new ResponseStreamReader(onId) : new ResponseReader(onId);
    },
  });

  return Object.freeze<InboundFormat>({
    name: 'responses',
    native,
    async decode(body: unknown, ctx: RequestContext) {
      const previousId = previousResponseIdOf(body);
      ctx.state[nativeTurnSlot] = { store: optionalBoolean(objectAt(body, 'body').store, 'store') ?? true, owner: ctx.principal?.id };
      const previous = previousId === undefined ? undefined : await chainHistory(store, previousId);
      // Another tenant's conversation is as unknown as an expired one.
      if (previous !== undefined && !mayAccess(previous.record, ctx.principal)) throw previousResponseNotFound(previousId as string);
      const pinned = previous?.record.pinned;
      if (pinned !== undefined) {
        if (ctx.native === undefined) throw pinnedElsewhere(previousId as string);
        ctx.native.pin(pinned.deployment, pinnedElsewhere(previousId as string));
      } else if (previous !== undefined) ctx.native?.translateOnly();
      const translated = responsesToChat(body, previous?.history);
      rememberTurn(ctx, { translated, previousHistory: previous?.history ?? [], owner: ctx.principal?.id });
      return translated.chat;
    },
    async encode(result: ChatCompletion, ctx: RequestContext) {
      const turn = turnOf(ctx);
      const response = chatToResponse(result, turn.translated.echo);
      await keep(response, turn, ctx);
      return response;
    },
    encodeStream(ctx: RequestContext): StreamEncoder {
      const turn = turnOf(ctx);
      return new StoringStreamEncoder(new ResponsesStreamEncoder({ echo: turn.translated.echo }), (response) => keep(response, turn, ctx));
    },
    errors: (error: GatewayError) => ({ status: error.status, body: error.toBody() }),
  });
}

/** The Responses stream encoder, storing the final response before its last frames are written. */
class StoringStreamEncoder implements StreamEncoder {
  readonly #inner: ResponsesStreamEncoder;
  readonly #keep: (response: ResponseObject) => Promise<void>;

  constructor(inner: ResponsesStreamEncoder, keep: (response: ResponseObject) => Promise<void>) {
    this.#inner = inner;
    this.#keep = keep;
  }

  start(): string {
    return this.#inner.start();
  }

  chunk(chunk: ChatCompletionChunk): string {
    return this.#inner.chunk(chunk);
  }

  async end(): Promise<string> {
    const frames = this.#inner.end();
    await this.#keep(this.#inner.response);
    return frames;
  }

  /** A failed response is not stored: there is nothing to continue from. */
  fail(error: GatewayError): string {
    return this.#inner.fail(error);
  }
}
