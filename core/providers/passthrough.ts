import type { RequestContext } from '../context.ts';
import { answerLease } from '../http/answer-budget.ts';
import { upstreamInvalid } from '../errors.ts';
import type { CanonicalRequest, FinalResult, Operation, StreamChunk } from '../openai/types.ts';
import { completeResult, forwardResult, JsonBody, StreamEvent, streamResult, type CallResult } from '../result.ts';
import type { Deployment } from '../routing/types.ts';
import { primeStream } from '../stream/primed.ts';
import { StreamEnding } from '../stream/ending.ts';
import { SseDecoder, type SseMessage } from '../stream/sse.ts';
import type { CallInfo, ModelsTranslation, Passthrough, ProviderDefinition } from './define.ts';
import type { ModelInfo } from './registry.ts';
import { endCall, sendCollected, sendComplete, sendJson, sendStream, sentCallFailure, type SentCall } from './transport.ts';
import { providerError } from './upstream-errors.ts';

/**
 * An OpenAI-wire provider: the request goes up with only `model` changed; the answer comes back
 * byte for byte (parsed once, to catch garbage and feed the later stages, never re-serialised).
 * When nothing changed the request (no transform.request tap, still the parsed object, same
 * model upstream), the client's own bytes go up as they came.
 */
export async function passthroughCall(
  def: ProviderDefinition,
  ctx: RequestContext,
  operation: Operation,
  request: CanonicalRequest,
  target: Deployment,
): Promise<CallResult> {
  const stream = ctx.stream;
  const raw = request.model === target.model ? ctx.bytesOf(request) : undefined;
  const info: CallInfo =
    raw === undefined
      ? { operation, stream, body: JSON.stringify(request.model === target.model ? request : { ...request, model: target.model }) }
      : new ForwardedBody(operation, stream, raw);
  const payload = raw ?? info.body;
  if (!stream) {
    const forwardAbove = ctx.forwardAnswersAbove;
    let bytes: Buffer;
    if (forwardAbove === undefined) {
      bytes = await sendComplete(def, ctx.signal, target, info, payload, answerLease(ctx.signal));
    } else {
      const answer = await sendCollected(def, ctx.signal, target, info, payload, forwardAbove, answerLease(ctx.signal));
      if (answer.sent !== undefined) return forwardResult(forwardedBody(def, answer.sent), contentLength(answer.sent));
      bytes = answer.whole;
    }
    try {
      return completeResult(JsonBody.parse<FinalResult>(bytes));
    } catch {
      throw upstreamInvalid(def.id, 'body is not JSON');
    }
  }
  const sent = await sendStream(def, ctx.signal, target, info, payload);
  return streamResult(await primeStream(passthroughEvents(def, sent)));
}

/** A forwarded answer's body: failures mapped and scrubbed as a stream's, the call ended when it is. */
export async function* forwardedBody(def: ProviderDefinition, sent: SentCall): AsyncGenerator<Buffer, undefined> {
  try {
    yield* sent.response.body;
  } catch (err) {
    throw sentCallFailure(def, sent, err);
  } finally {
    endCall(sent);
  }
  return undefined;
}

/** The upstream's `content-length`, when it sent a valid one. */
export function contentLength(sent: SentCall): number | undefined {
  const raw = sent.response.headers['content-length'];
  const n = typeof raw === 'string' ? Number(raw) : Number.NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** CallInfo for forwarded client bytes: `body` as text only if the provider's `request()` reads it. */
class ForwardedBody implements CallInfo {
  readonly operation: Operation;
  readonly stream: boolean;
  readonly #bytes: Buffer;
  #text: string | undefined;

  constructor(operation: Operation, stream: boolean, bytes: Buffer) {
    this.operation = operation;
    this.stream = stream;
    this.#bytes = bytes;
    this.#text = undefined;
  }

  get body(): string {
    return (this.#text ??= this.#bytes.toString('utf8'));
  }
}

async function* passthroughEvents(def: ProviderDefinition, sent: SentCall): AsyncGenerator<StreamEvent> {
  // The SSE decoder is fed from the body here rather than through parseSse: one async layer fewer.
  const sse = new SseDecoder();
  const ending = new StreamEnding();
  try {
    for await (const bytes of sent.response.body) {
      for (const message of sse.feed(bytes)) {
        const event = passthroughEvent(def, sent, message, ending);
        if (event !== undefined) yield event;
      }
    }
    for (const message of sse.end()) {
      const event = passthroughEvent(def, sent, message, ending);
      if (event !== undefined) yield event;
    }
    if (!ending.complete) throw upstreamInvalid(def.id, 'stream ended before [DONE] or a finish_reason (cut off)');
  } catch (err) {
    throw sentCallFailure(def, sent, err);
  } finally {
    endCall(sent);
  }
}

/** One upstream event as it goes to the client; undefined for `[DONE]` and empty events. */
function passthroughEvent(def: ProviderDefinition, sent: SentCall, message: SseMessage, ending: StreamEnding): StreamEvent | undefined {
  const data = message.data;
  // Our own [DONE] ends the client's stream; reading on lets the socket go back to the pool.
  if (data === '[DONE]') {
    ending.done();
    return undefined;
  }
  if (data === '') return undefined;
  let chunk: StreamChunk & { error?: unknown };
  try {
    chunk = JSON.parse(data) as StreamChunk & { error?: unknown };
  } catch {
    throw upstreamInvalid(def.id, 'stream event is not JSON');
  }
  if (message.event === 'error' || (chunk.error !== undefined && chunk.choices === undefined)) {
    // Scrubbed of the keys we sent by sentCallFailure, like every error read from a sent call.
    throw providerError(def.id, 502, def.errorInfo(502, chunk, sent.response.headers));
  }
  ending.observe(chunk);
  return StreamEvent.fromData(data, chunk);
}

interface OpenAIModelList {
  data?: { id?: unknown; owned_by?: unknown; created?: unknown }[];
}

/** `GET {base}/models`, or the provider's own model-list translation. */
export async function listModels(
  def: ProviderDefinition,
  models: ModelsTranslation | Passthrough,
  signal: AbortSignal,
): Promise<readonly ModelInfo[]> {
  const target: Deployment = { id: def.id, group: '', provider: def.id, model: '', timeoutMs: 10_000 };
  const body = await sendJson<unknown>(def, signal, target, { operation: 'models', stream: false, body: undefined });
  if (models !== 'passthrough') return models.fromResponse(body);
  const list = (body as OpenAIModelList).data ?? [];
  return list
    .filter((m): m is { id: string; owned_by?: unknown; created?: unknown } => typeof m.id === 'string')
    .map((m) => ({
      id: m.id,
      ownedBy: typeof m.owned_by === 'string' ? m.owned_by : def.id,
      ...(typeof m.created === 'number' ? { created: m.created } : {}),
    }));
}
