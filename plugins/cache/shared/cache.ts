import {
  completeResult,
  JsonBody,
  streamResult,
  type CallResult,
  type ChatCompletion,
  type ChatRequest,
  type Completion,
  type FinalResult,
  type Logger,
  type RequestContext,
} from 'switchyard';
import type { CacheBackend } from './backend.ts';
import { InFlight, waitFor } from './coalesce.ts';
import { cacheControls, type CacheControls } from './controls.ts';
import { EmbeddingsCache, type EmbeddingsState } from './embeddings.ts';
import { ageSeconds, decodeEntry, encodeEntry, type Entry } from './entry.ts';
import { isDeterministic, requestKey } from './key.ts';
import type { CachePolicy } from './options.ts';
import { chatChunks, completionChunks, replay } from './replay.ts';

/** A chat or completions request the cache is handling. */
interface SingleState {
  readonly kind: 'single';
  readonly controls: CacheControls;
  readonly key: string;
  /** This request leads the flight for `key` (waiters get its answer). */
  leading: boolean;
  /** `store` took over ending the flight. */
  storing: boolean;
}

type RequestState = SingleState | EmbeddingsState;

/** Coalesced waiters retry once if their leader fails, then call upstream on their own. */
const coalesceRounds = 2;

/**
 * The cache's request logic, whatever the backend: who is cacheable, lookup (with coalescing),
 * replay, store. The plugin wires its methods to the stages.
 */
export class ResponseCache {
  readonly #policy: CachePolicy;
  readonly #backend: CacheBackend;
  readonly #log: Logger;
  readonly #flights = new InFlight<Entry>();
  /**
   * Where this cache keeps its per-request state on `ctx.state` (one symbol per cache, so several
   * caches can be loaded): a property on an object that lives as long as the request, cheaper
   * than a WeakMap keyed by every context.
   */
  readonly #slot = Symbol('cache state');
  readonly #embeddings: EmbeddingsCache;

  constructor(policy: CachePolicy, backend: CacheBackend, log: Logger) {
    this.#policy = policy;
    this.#backend = backend;
    this.#log = log;
    this.#embeddings = new EmbeddingsCache(policy, backend);
  }

  /** Requests currently leading a flight (tests, diagnostics). */
  get inFlight(): number {
    return this.#flights.size + this.#embeddings.inFlight;
  }

  #state(ctx: RequestContext): RequestState | undefined {
    return (ctx.state as Record<symbol, RequestState | undefined>)[this.#slot];
  }

  #setState(ctx: RequestContext, state: RequestState): void {
    (ctx.state as Record<symbol, RequestState | undefined>)[this.#slot] = state;
  }

  /** The controls for a request this cache handles, or undefined when it does not. */
  #controls(ctx: RequestContext): CacheControls | undefined {
    const policy = this.#policy;
    const operation = ctx.operation;
    if (operation !== 'chat' && operation !== 'completions' && operation !== 'embeddings') return undefined;
    if (!policy.operations.has(operation)) return undefined;
    if (policy.models !== undefined && !policy.models.has(ctx.model)) return undefined;
    if (policy.deterministicOnly && operation !== 'embeddings' && !isDeterministic(ctx.request)) return undefined;
    const controls = cacheControls(ctx.headers, policy);
    return controls.lookup || controls.store ? controls : undefined;
  }

  /** `cache.lookup`: an answer from the store or from an identical request in flight, or undefined. */
  async lookup(ctx: RequestContext): Promise<CallResult | undefined> {
    const controls = this.#controls(ctx);
    if (controls === undefined) return undefined;
    if (ctx.operation === 'embeddings') {
      const { state, result } = await this.#embeddings.lookup(ctx, controls);
      this.#setState(ctx, state);
      return result;
    }
    const key = requestKey(ctx, this.#policy);
    const state: SingleState = { kind: 'single', controls, key, leading: false, storing: false };
    this.#setState(ctx, state);
    if (!controls.lookup) return undefined;

    const stored = await this.#backend.get(key);
    const entry = stored === undefined ? undefined : decodeEntry(stored);
    if (entry !== undefined && (controls.maxAgeSeconds === undefined || ageSeconds(entry) <= controls.maxAgeSeconds)) {
      const hit = this.#answer(ctx, entry, ageSeconds(entry));
      if (hit !== undefined) return hit;
    }
    if (!this.#policy.coalesce) return undefined;
    for (let round = 0; round < coalesceRounds; round++) {
      if (this.#flights.lead(key, ctx)) {
        state.leading = true;
        return undefined;
      }
      const shared = await waitFor(this.#flights.pending(key) as Promise<Entry | undefined>, ctx.signal, this.#policy.coalesceTimeoutMs);
      if (shared === undefined) continue;
      // The leader's answer is seconds old at most; it never went through the store.
      const hit = this.#answer(ctx, shared, 0);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  /** A stored answer in the form the client asked for; undefined if the entry is unreadable. */
  #answer(ctx: RequestContext, entry: Entry, age: number): CallResult | undefined {
    try {
      let result: CallResult;
      if (!ctx.stream) {
        result = completeResult(JsonBody.parse<FinalResult>(entry.json));
      } else {
        const includeUsage = (ctx.request as ChatRequest).stream_options?.include_usage === true;
        const chunks =
          ctx.operation === 'chat'
            ? chatChunks(JSON.parse(entry.json) as ChatCompletion, includeUsage)
            : completionChunks(JSON.parse(entry.json) as Completion, includeUsage);
        result = streamResult(replay(chunks));
      }
      ctx.responseHeaders.age = String(age);
      return result;
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'unreadable cache entry ignored');
      return undefined;
    }
  }

  /** `transform.response`: completes a partly cached embeddings batch. */
  mergeResponse(result: FinalResult, ctx: RequestContext): FinalResult {
    const state = this.#state(ctx);
    return state?.kind === 'embeddings' ? this.#embeddings.merge(result, state) : result;
  }

  /** `cache.store`: keeps a successful answer and hands it to the requests waiting for it. */
  async store(ctx: RequestContext, result: FinalResult): Promise<void> {
    const state = this.#state(ctx);
    if (state === undefined) return;
    if (state.kind === 'embeddings') return this.#embeddings.store(ctx, state, result);
    state.storing = true;
    try {
      // Assembling a stream drops logprobs: such a result must not answer anyone else.
      if (ctx.stream && (ctx.request as ChatRequest).logprobs === true) return;
      // A complete answer's text as the client got it (upstream bytes passed through), rather
      // than serialising the parsed object again; streams are assembled, so serialised here.
      const body = ctx.responseBody;
      const bytes = body !== undefined && body.value === result ? body.bytes : undefined;
      const json = bytes === undefined ? JSON.stringify(result) : typeof bytes === 'string' ? bytes : bytes.toString('utf8');
      const entry: Entry = { storedAt: Date.now(), json };
      if (state.leading) this.#flights.resolve(state.key, ctx, entry);
      if (!state.controls.store) return;
      const max = this.#policy.maxEntryBytes;
      const size = bytes instanceof Buffer ? bytes.length : json.length <= max ? Buffer.byteLength(json) : json.length;
      if (size <= max) await this.#backend.set([[state.key, encodeEntry(entry)]], state.controls.ttlSeconds);
    } finally {
      if (state.leading) this.#flights.end(state.key, ctx);
    }
  }

  /** `log` (every request ends here): a leader that stored nothing releases its waiters. */
  end(ctx: RequestContext): void {
    const state = this.#state(ctx);
    if (state === undefined) return;
    if (state.kind === 'embeddings') this.#embeddings.end(ctx, state);
    else if (state.leading && !state.storing) this.#flights.end(state.key, ctx);
  }
}
