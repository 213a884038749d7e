import {
  completeResult,
  JsonBody,
  type CallResult,
  type CreateEmbeddingResponse,
  type EmbeddingRequest,
  type FinalResult,
  type RequestContext,
} from 'switchyard';
import type { CacheBackend } from './backend.ts';
import { InFlight, waitFor } from './coalesce.ts';
import type { CacheControls } from './controls.ts';
import { ageSeconds, decodeEntry, encodeEntry } from './entry.ts';
import { embeddingInputs, embeddingKeys } from './key.ts';
import type { CachePolicy } from './options.ts';

type Embedding = CreateEmbeddingResponse['data'][number]['embedding'];

/** One cached input: its vector (or base64 text) and the model that made it. */
export interface EmbeddingValue {
  readonly storedAt: number;
  readonly model: string;
  readonly embedding: Embedding;
}

/** An embeddings request the cache is handling. */
export interface EmbeddingsState {
  readonly kind: 'embeddings';
  readonly controls: CacheControls;
  readonly keys: readonly string[];
  /** Indexes of the inputs that went upstream (to store once answered). */
  fresh: readonly number[];
  /** Cached values by input index, when only part of the batch went upstream; else undefined. */
  partial: readonly (EmbeddingValue | undefined)[] | undefined;
  /** Keys whose flight this request leads. */
  led: string[];
  storing: boolean;
}

const coalesceRounds = 2;

function decodeValue(text: string | undefined, maxAge: number | undefined): EmbeddingValue | undefined {
  const entry = text === undefined ? undefined : decodeEntry(text);
  if (entry === undefined || (maxAge !== undefined && ageSeconds(entry) > maxAge)) return undefined;
  try {
    const { model, embedding } = JSON.parse(entry.json) as { model: string; embedding: Embedding };
    return { storedAt: entry.storedAt, model, embedding };
  } catch {
    return undefined;
  }
}

/** The answer to a batch found whole in the cache. Usage counts what went upstream: nothing. */
function fullAnswer(ctx: RequestContext, values: readonly EmbeddingValue[]): CallResult {
  const body: CreateEmbeddingResponse = {
    object: 'list',
    data: values.map((v, index) => ({ object: 'embedding', index, embedding: v.embedding as number[] })),
    model: values[0]?.model ?? ctx.model,
    usage: { prompt_tokens: 0, total_tokens: 0 },
  };
  const oldest = Math.min(...values.map((v) => v.storedAt));
  ctx.responseHeaders.age = String(ageSeconds({ storedAt: oldest, json: '' }));
  return completeResult(JsonBody.of(body));
}

/**
 * Embeddings cached per input: a batch with some inputs cached sends only the others upstream
 * (lookup narrows `ctx.request.input`), and `merge` puts the batch back together in order before
 * any other `transform.response` tap sees it.
 */
export class EmbeddingsCache {
  readonly #policy: CachePolicy;
  readonly #backend: CacheBackend;
  readonly #flights = new InFlight<EmbeddingValue>();

  constructor(policy: CachePolicy, backend: CacheBackend) {
    this.#policy = policy;
    this.#backend = backend;
  }

  get inFlight(): number {
    return this.#flights.size;
  }

  async lookup(ctx: RequestContext, controls: CacheControls): Promise<{ state: EmbeddingsState; result: CallResult | undefined }> {
    const request = ctx.request as EmbeddingRequest;
    const inputs = embeddingInputs(request);
    const keys = embeddingKeys(ctx, this.#policy, inputs);
    const state: EmbeddingsState = { kind: 'embeddings', controls, keys, fresh: inputs.map((_, i) => i), partial: undefined, led: [], storing: false };
    if (!controls.lookup) return { state, result: undefined };

    const stored = await this.#backend.getMany(keys);
    const found = stored.map((text) => decodeValue(text, controls.maxAgeSeconds));
    let missing = missingOf(found);
    if (missing.length > 0 && this.#policy.coalesce) {
      // Wait only when every missing input is already on its way; otherwise this batch leads.
      for (let round = 0; round < coalesceRounds; round++) {
        const pending = missing.map((i) => this.#flights.pending(keys[i] as string));
        if (pending.some((p) => p === undefined)) break;
        const shared = await waitFor(Promise.all(pending), ctx.signal, this.#policy.coalesceTimeoutMs);
        if (shared === undefined) break;
        missing.forEach((i, j) => (found[i] = shared[j]));
        missing = missingOf(found);
        if (missing.length === 0) break;
      }
      for (const i of missing) {
        const key = keys[i] as string;
        if (this.#flights.lead(key, ctx)) state.led.push(key);
      }
    }
    if (missing.length === 0) return { state, result: fullAnswer(ctx, found as EmbeddingValue[]) };
    state.fresh = missing;
    if (missing.length < inputs.length) {
      state.partial = found;
      ctx.request = { ...request, input: missing.map((i) => inputs[i]) as EmbeddingRequest['input'] };
      // The narrowed answer is merged back in `transform.response`: it must be held, not forwarded.
      ctx.forwardAnswersAbove = undefined;
    }
    return { state, result: undefined };
  }

  /** Puts a narrowed batch's answer back among the cached inputs, indexes as the client sent them. */
  merge(result: FinalResult, state: EmbeddingsState): FinalResult {
    const partial = state.partial;
    if (partial === undefined) return result;
    const upstream = result as CreateEmbeddingResponse;
    const byIndex = new Map(upstream.data.map((d) => [d.index, d]));
    const data: CreateEmbeddingResponse['data'] = [];
    let j = 0;
    partial.forEach((cached, index) => {
      if (cached !== undefined) {
        data.push({ object: 'embedding', index, embedding: cached.embedding as number[] });
        return;
      }
      const fresh = byIndex.get(j) ?? upstream.data[j];
      j++;
      if (fresh !== undefined) data.push({ ...fresh, index });
    });
    return { ...upstream, data };
  }

  async store(ctx: RequestContext, state: EmbeddingsState, result: FinalResult): Promise<void> {
    state.storing = true;
    try {
      const response = result as CreateEmbeddingResponse;
      const byIndex = new Map(response.data.map((d) => [d.index, d]));
      const storedAt = Date.now();
      const writes: [string, string][] = [];
      for (const i of state.fresh) {
        const item = byIndex.get(i);
        if (item === undefined) continue;
        const key = state.keys[i] as string;
        const value: EmbeddingValue = { storedAt, model: response.model, embedding: item.embedding };
        this.#flights.resolve(key, ctx, value);
        const text = encodeEntry({ storedAt, json: JSON.stringify({ model: value.model, embedding: value.embedding }) });
        if (text.length <= this.#policy.maxEntryBytes) writes.push([key, text]);
      }
      if (state.controls.store && writes.length > 0) await this.#backend.set(writes, state.controls.ttlSeconds);
    } finally {
      this.#endFlights(ctx, state);
    }
  }

  /** The request ended; unless `store` handles it, release what it led. */
  end(ctx: RequestContext, state: EmbeddingsState): void {
    if (!state.storing) this.#endFlights(ctx, state);
  }

  #endFlights(ctx: RequestContext, state: EmbeddingsState): void {
    for (const key of state.led) this.#flights.end(key, ctx);
    state.led.length = 0;
  }
}

function missingOf(found: readonly (EmbeddingValue | undefined)[]): number[] {
  const missing: number[] = [];
  found.forEach((v, i) => v === undefined && missing.push(i));
  return missing;
}
