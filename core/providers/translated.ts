import type { RequestContext } from '../context.ts';
import { answerLease } from '../http/answer-budget.ts';
import { unsupportedParam, upstreamInvalid } from '../errors.ts';
import type {
  CanonicalRequest,
  ChatCompletion,
  ChatRequest,
  CreateEmbeddingResponse,
  EmbeddingRequest,
  FinalResult,
  Operation,
  StreamChunk,
} from '../openai/types.ts';
import { completeResult, JsonBody, StreamEvent, streamResult, type CallResult } from '../result.ts';
import type { Deployment } from '../routing/types.ts';
import { primeStream } from '../stream/primed.ts';
import { SseDecoder, type SseMessage } from '../stream/sse.ts';
import type {
  ChatTranslation,
  CompletionsTranslation,
  DecodedEvent,
  EmbeddingsTranslation,
  ProviderDefinition,
} from './define.ts';
import { fanOutComplete, fanOutStream } from './fan-out.ts';
import { encodeEmbeddings } from './translation-helpers.ts';
import { endCall, sendJson, sendStream, sentCallFailure, type SentCall } from './transport.ts';

/** Chat and legacy completions share one shape of translation; the core treats them alike. */
type TextTranslation = ChatTranslation | CompletionsTranslation;

/** A request through a translating provider: check params, fan out `n`, call, translate back. */
export async function translatedCall(
  def: ProviderDefinition,
  ctx: RequestContext,
  operation: Operation,
  translation: TextTranslation | EmbeddingsTranslation,
  request: CanonicalRequest,
  target: Deployment,
): Promise<CallResult> {
  const checked = withoutUnsupported(translation.unsupported ?? [], request, target, def.id, ctx);
  if (operation === 'embeddings') {
    return embeddingsCall(def, ctx, translation as EmbeddingsTranslation, checked as EmbeddingRequest, target);
  }
  const text = translation as TextTranslation;
  const n = (checked as ChatRequest).n ?? 1;
  if (n > 1 && text.supportsN === false) {
    const single = { ...checked, n: undefined } as CanonicalRequest;
    const calls = Array.from({ length: n }, () => singleCall(def, ctx, text, single, target));
    if (!ctx.stream) {
      const results = await settleAll(calls);
      return completeResult(JsonBody.of(fanOutComplete(results.map((r) => (r as { body: JsonBody<ChatCompletion> }).body.value))));
    }
    const streams = await settleAll(calls);
    const merged = fanOutStream(streams.map((s) => (s as { events: AsyncIterable<StreamEvent> }).events));
    return streamResult(await primeStream(merged[Symbol.asyncIterator]()));
  }
  return singleCall(def, ctx, text, checked, target);
}

/** Like Promise.all, but a failure closes the streams that did open, so no socket is left behind. */
async function settleAll(calls: Promise<CallResult>[]): Promise<CallResult[]> {
  const settled = await Promise.allSettled(calls);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed === undefined) return settled.map((s) => (s as PromiseFulfilledResult<CallResult>).value);
  for (const s of settled) {
    if (s.status === 'fulfilled' && s.value.kind === 'stream') await s.value.events[Symbol.asyncIterator]().return?.();
  }
  throw (failed as PromiseRejectedResult).reason;
}

async function singleCall(
  def: ProviderDefinition,
  ctx: RequestContext,
  translation: TextTranslation,
  request: CanonicalRequest,
  target: Deployment,
): Promise<CallResult> {
  const t = translation as ChatTranslation;
  const req = request as ChatRequest;
  const body = JSON.stringify(t.toRequest(req, target));
  const info = { operation: ctx.operation as Operation, stream: ctx.stream, body };
  if (!ctx.stream) {
    const upstream = await sendJson<unknown>(def, ctx.signal, target, info, body, answerLease(ctx.signal));
    return completeResult(JsonBody.of<FinalResult>(t.fromResponse(upstream, target, req)));
  }
  const sent = await sendStream(def, ctx.signal, target, info);
  const events = translatedEvents(def, t, req, target, sent);
  return streamResult(await primeStream(events));
}

/**
 * The provider's stream translated to chunks. An error event's text is the provider's (Cohere's
 * `delta.error`, a Bedrock exception frame): sentCallFailure scrubs it of the keys we sent, as
 * transport.ts does for an error status.
 */
async function* translatedEvents(
  def: ProviderDefinition,
  t: ChatTranslation,
  req: ChatRequest,
  target: Deployment,
  sent: SentCall,
): AsyncGenerator<StreamEvent> {
  const body = sent.response.body;
  const state = t.startStream(target, req);
  try {
    for await (const event of def.decodeStream ? def.decodeStream(body) : decodeSseJson(def, body)) {
      for (const chunk of t.fromEvent(event.data, state, event.name)) yield StreamEvent.of(chunk as StreamChunk);
    }
    for (const chunk of t.endStream?.(state) ?? []) yield StreamEvent.of(chunk as StreamChunk);
  } catch (err) {
    throw sentCallFailure(def, sent, err);
  } finally {
    endCall(sent);
  }
}

/** The body's SSE events with JSON data; fed from the body here rather than through parseSse (one async layer fewer). */
async function* decodeSseJson(def: ProviderDefinition, body: AsyncIterable<Uint8Array>): AsyncGenerator<DecodedEvent> {
  const sse = new SseDecoder();
  for await (const bytes of body) {
    for (const message of sse.feed(bytes)) {
      const event = jsonEvent(def, message);
      if (event !== undefined) yield event;
    }
  }
  for (const message of sse.end()) {
    const event = jsonEvent(def, message);
    if (event !== undefined) yield event;
  }
}

/** An SSE event's JSON; undefined for `[DONE]` and empty events. */
function jsonEvent(def: ProviderDefinition, message: SseMessage): DecodedEvent | undefined {
  if (message.data === '[DONE]' || message.data === '') return undefined;
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    throw upstreamInvalid(def.id, 'stream event is not JSON');
  }
  return { name: message.event, data };
}

/** Values SDKs and frameworks send by default; they ask for nothing, so they are never an error. */
const neutral: Readonly<Record<string, unknown>> = Object.freeze({
  n: 1,
  presence_penalty: 0,
  frequency_penalty: 0,
  logprobs: false,
  top_logprobs: 0,
  parallel_tool_calls: true,
  encoding_format: 'float',
});

/**
 * Params that identify or label a request for the caller's own accounting (abuse monitoring,
 * caching hints, stored completions) and never change the answer: a provider without them
 * simply does not see them, as with LiteLLM and the providers' own OpenAI-compatible layers.
 */
const accountingOnly = new Set(['user', 'safety_identifier', 'prompt_cache_key', 'store', 'metadata']);

function isNeutral(param: string, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (accountingOnly.has(param)) return true;
  if (neutral[param] === value) return true;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/** 400 naming the first param the provider cannot honour, or (if the deployment allows) drop them. */
function withoutUnsupported(
  params: readonly PropertyKey[],
  request: CanonicalRequest,
  target: Deployment,
  provider: string,
  ctx: RequestContext,
): CanonicalRequest {
  let out: Record<string, unknown> | undefined;
  for (const param of params) {
    const name = String(param);
    const value = (request as unknown as Record<string, unknown>)[name];
    if (isNeutral(name, value)) continue;
    if (target.dropUnsupportedParams !== true) throw unsupportedParam(name, provider);
    out ??= { ...request };
    delete out[name];
    ctx.log.warn({ param: name, provider, deployment: target.id }, 'dropped unsupported param');
  }
  return (out ?? request) as CanonicalRequest;
}

async function embeddingsCall(
  def: ProviderDefinition,
  ctx: RequestContext,
  t: EmbeddingsTranslation,
  request: EmbeddingRequest,
  target: Deployment,
): Promise<CallResult> {
  const inputs = Array.isArray(request.input) ? (request.input as unknown[]) : [request.input];
  const max = (typeof t.maxBatch === 'function' ? t.maxBatch(target) : t.maxBatch) ?? Number.POSITIVE_INFINITY;
  const format = request.encoding_format;
  if (inputs.length <= max) {
    return completeResult(JsonBody.of<FinalResult>(encodeEmbeddings(await embedOnce(def, ctx, t, request, target), format)));
  }
  const batches: EmbeddingRequest[] = [];
  for (let i = 0; i < inputs.length; i += max) {
    batches.push({ ...request, input: inputs.slice(i, i + max) as EmbeddingRequest['input'] });
  }
  const parts = await inPool(batches, embeddingBatchConcurrency, (b) => embedOnce(def, ctx, t, b, target));
  return completeResult(JsonBody.of<FinalResult>(encodeEmbeddings(mergeEmbeddings(parts, max), format)));
}

async function embedOnce(
  def: ProviderDefinition,
  ctx: RequestContext,
  t: EmbeddingsTranslation,
  request: EmbeddingRequest,
  target: Deployment,
): Promise<CreateEmbeddingResponse> {
  const body = JSON.stringify(t.toRequest(request, target));
  const upstream = await sendJson<unknown>(def, ctx.signal, target, { operation: 'embeddings', stream: false, body }, body, answerLease(ctx.signal));
  return t.fromResponse(upstream, target, request);
}

function mergeEmbeddings(parts: CreateEmbeddingResponse[], batchSize: number): CreateEmbeddingResponse {
  const first = parts[0] as CreateEmbeddingResponse;
  return {
    object: 'list',
    model: first.model,
    data: parts.flatMap((part, b) => part.data.map((d) => ({ ...d, index: d.index + b * batchSize }))),
    usage: {
      prompt_tokens: parts.reduce((sum, p) => sum + p.usage.prompt_tokens, 0),
      total_tokens: parts.reduce((sum, p) => sum + p.usage.total_tokens, 0),
    },
  };
}

/**
 * Upstream calls one embeddings request may have in flight: a provider that takes one input per
 * call (Titan) must not get a thousand parallel calls from one client batch.
 */
const embeddingBatchConcurrency = 8;

/** Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order. */
async function inPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
