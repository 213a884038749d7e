import {
  AsyncParallelHook,
  AsyncSeriesBailHook,
  AsyncSeriesHook,
  AsyncSeriesWaterfallHook,
  SyncWaterfallHook,
} from 'tapable';
import type { Principal, RequestContext } from './context.ts';
import { GatewayError, PluginError } from './errors.ts';
import type { CanonicalRequest, FinalResult, StreamChunk } from './openai/types.ts';
import type { CallResult } from './result.ts';
import type { RoutePlan } from './routing/types.ts';
import type { Outcome } from './outcome.ts';

/**
 * The stages, in run order. Declared once, frozen. A bail tap returns `undefined` to pass to the
 * next tap; anything else (even `null`) ends the stage with that value.
 */
export interface StageHooks {
  /** Identify the caller, or throw 401/403/429. */
  readonly auth: AsyncSeriesBailHook<[RequestContext], Principal | undefined>;
  readonly transform: {
    /** Rewrite the canonical request: defaults, guardrails, redaction. */
    readonly request: AsyncSeriesWaterfallHook<[CanonicalRequest, RequestContext]>;
    /** Rewrite or check a complete result. Not called for streams. */
    readonly response: AsyncSeriesWaterfallHook<[FinalResult, RequestContext]>;
    /** Rewrite or check each streamed chunk. Only run when tapped. */
    readonly chunk: SyncWaterfallHook<[StreamChunk, RequestContext]>;
  };
  /** Turn the model name into an ordered plan of deployments. */
  readonly route: AsyncSeriesBailHook<[RequestContext], RoutePlan | undefined>;
  readonly cache: {
    /** Answer from a cache, or pass. */
    readonly lookup: AsyncSeriesBailHook<[RequestContext], CallResult | undefined>;
    /** Keep a successful result (streams: once assembled). Runs after the client has its answer. */
    readonly store: AsyncParallelHook<[RequestContext, FinalResult]>;
  };
  /** Execute the plan: retries, fallbacks, cooldowns. */
  readonly call: AsyncSeriesBailHook<[RequestContext, RoutePlan], CallResult | undefined>;
  /** Record the outcome, after the client has its answer. */
  readonly log: AsyncParallelHook<[RequestContext, Outcome]>;
  /** Shutdown: release connections, flush buffers. */
  readonly close: AsyncSeriesHook<[]>;
}

/**
 * The bail stages one plugin may take over entirely (`Plugin.owns`): a tap there that never
 * passes hides every later tap, so at most one plugin may claim each.
 */
export type ExclusiveStage = 'auth' | 'route' | 'cache.lookup' | 'call';

/** tapable `stage` values; lower runs earlier. Named so ordering reads as intent. */
export const Order = { first: -100, early: -10, normal: 0, late: 10, last: 100 } as const;

export function createStageHooks(): StageHooks {
  return Object.freeze({
    auth: new AsyncSeriesBailHook<[RequestContext], Principal | undefined>(['ctx'], 'auth'),
    transform: Object.freeze({
      request: new AsyncSeriesWaterfallHook<[CanonicalRequest, RequestContext]>(['request', 'ctx'], 'transform.request'),
      response: new AsyncSeriesWaterfallHook<[FinalResult, RequestContext]>(['result', 'ctx'], 'transform.response'),
      chunk: new SyncWaterfallHook<[StreamChunk, RequestContext]>(['chunk', 'ctx'], 'transform.chunk'),
    }),
    route: new AsyncSeriesBailHook<[RequestContext], RoutePlan | undefined>(['ctx'], 'route'),
    cache: Object.freeze({
      lookup: new AsyncSeriesBailHook<[RequestContext], CallResult | undefined>(['ctx'], 'cache.lookup'),
      store: new AsyncParallelHook<[RequestContext, FinalResult]>(['ctx', 'result'], 'cache.store'),
    }),
    call: new AsyncSeriesBailHook<[RequestContext, RoutePlan], CallResult | undefined>(['ctx', 'plan'], 'call'),
    log: new AsyncParallelHook<[RequestContext, Outcome]>(['ctx', 'outcome'], 'log'),
    close: new AsyncSeriesHook<[]>([], 'close'),
  });
}

/** How a plugin names and orders a tap. The name defaults to the plugin's name. */
export type TapOptions =
  | string
  | {
      readonly name?: string;
      readonly stage?: number;
      /**
       * `transform.response` only: the tap has nothing to do with answers the core forwards
       * unbuffered (pass-through answers over `server.answerBuffer.forwardAboveBytes`), so they
       * skip it. Without it, one response tap makes the core hold every answer whole, since the
       * tap must see each one. A tap that must see every answer (a guardrail) leaves it unset;
       * one that needs a particular answer whole clears `ctx.forwardAnswersAbove` for it.
       */
      readonly onlyHeldAnswers?: boolean;
    };


/**
 * An async stage as plugins see it: tap with a function that returns its answer or a promise of
 * it (a tap with nothing to wait for need not make a promise per call); never fire it.
 */
export interface PromiseTaps<Args extends unknown[], R> {
  tapPromise(options: TapOptions, fn: (...args: Args) => R | Promise<R>): void;
  isUsed(): boolean;
}

/** The synchronous chunk stage as plugins see it. */
export interface SyncTaps<Args extends unknown[], R> {
  tap(options: TapOptions, fn: (...args: Args) => R): void;
  isUsed(): boolean;
}

/** The hooks a plugin receives: tap-only, and every error it throws is tagged with its name. */
export interface PluginHooks {
  readonly auth: PromiseTaps<[RequestContext], Principal | undefined>;
  readonly transform: {
    readonly request: PromiseTaps<[CanonicalRequest, RequestContext], CanonicalRequest>;
    readonly response: PromiseTaps<[FinalResult, RequestContext], FinalResult>;
    readonly chunk: SyncTaps<[StreamChunk, RequestContext], StreamChunk>;
  };
  readonly route: PromiseTaps<[RequestContext], RoutePlan | undefined>;
  readonly cache: {
    readonly lookup: PromiseTaps<[RequestContext], CallResult | undefined>;
    readonly store: PromiseTaps<[RequestContext, FinalResult], void>;
  };
  readonly call: PromiseTaps<[RequestContext, RoutePlan], CallResult | undefined>;
  readonly log: PromiseTaps<[RequestContext, Outcome], void>;
  readonly close: PromiseTaps<[], void>;
}

interface TapableAsync {
  tapPromise(options: { name: string; stage?: number }, fn: (...args: never[]) => Promise<unknown>): void;
  isUsed(): boolean;
  readonly name: string | undefined;
}
interface TapableSync {
  tap(options: { name: string; stage?: number }, fn: (...args: never[]) => unknown): void;
  isUsed(): boolean;
  readonly name: string | undefined;
}

function tapOptions(options: TapOptions, plugin: string): { name: string; stage?: number; onlyHeldAnswers?: true } {
  if (typeof options === 'string') return { name: options || plugin };
  // tapable keeps extra fields on the tap, where the pipeline reads them once at start-up.
  const tap: { name: string; stage?: number; onlyHeldAnswers?: true } = { name: options.name ?? plugin };
  if (options.stage !== undefined) tap.stage = options.stage;
  if (options.onlyHeldAnswers === true) tap.onlyHeldAnswers = true;
  return tap;
}

/** GatewayErrors pass untouched (they are meant for the client); anything else is tagged. */
export function tag(err: unknown, plugin: string, stage: string): unknown {
  if (err instanceof GatewayError || err instanceof PluginError) return err;
  return new PluginError(plugin, stage, err);
}

/** Told of every tap a plugin makes (at set-up), with the hook's name and the tap's `stage`. */
export type TapRecorder = (hook: string, stage: number) => void;

function promiseTaps(hook: TapableAsync, plugin: string, record?: TapRecorder): PromiseTaps<never[], unknown> {
  const stage = hook.name ?? 'unknown';
  return {
    tapPromise(options, fn) {
      record?.(stage, typeof options === 'string' ? 0 : (options.stage ?? 0));
      // Wrapped once, at tap time: a failing tap is reported with its plugin and stage. Not an
      // async function around `await fn()`: that costs an extra promise and two microtask turns
      // per tap per request; one `.catch` on the tap's own promise costs a single turn. Stages
      // take at most two arguments, so no rest array is built per call either.
      const rethrow = (err: unknown): never => {
        throw tag(err, plugin, stage);
      };
      const call = fn as unknown as (a?: unknown, b?: unknown) => Promise<unknown>;
      const wrapped = (a?: unknown, b?: unknown): Promise<unknown> => {
        let result: Promise<unknown>;
        try {
          result = call(a, b);
        } catch (err) {
          return Promise.reject(tag(err, plugin, stage));
        }
        return Promise.resolve(result).catch(rethrow);
      };
      // The pipeline runs the plugin's own function (core/stage-runner.ts) and tags its errors
      // itself; tapable keeps these extra fields on the tap for it to read at start-up.
      const tap = { ...tapOptions(options, plugin), raw: call, plugin };
      hook.tapPromise(tap, wrapped as (...args: never[]) => Promise<unknown>);
    },
    isUsed: () => hook.isUsed(),
  };
}

function syncTaps(hook: TapableSync, plugin: string): SyncTaps<never[], unknown> {
  const stage = hook.name ?? 'unknown';
  return {
    tap(options, fn) {
      // Two arguments (chunk, ctx): no rest array built per streamed chunk.
      const call = fn as unknown as (a?: unknown, b?: unknown) => unknown;
      const wrapped = (a?: unknown, b?: unknown): unknown => {
        try {
          return call(a, b);
        } catch (err) {
          throw tag(err, plugin, stage);
        }
      };
      hook.tap(tapOptions(options, plugin), wrapped as (...args: never[]) => unknown);
    },
    isUsed: () => hook.isUsed(),
  };
}

/** The tap-only view of the stages given to one plugin. Built once per plugin, at set-up. */
export function pluginHooks(hooks: StageHooks, plugin: string, record?: TapRecorder): PluginHooks {
  const p = (h: unknown) => promiseTaps(h as TapableAsync, plugin, record);
  return Object.freeze({
    auth: p(hooks.auth),
    transform: Object.freeze({
      request: p(hooks.transform.request),
      response: p(hooks.transform.response),
      chunk: syncTaps(hooks.transform.chunk as unknown as TapableSync, plugin),
    }),
    route: p(hooks.route),
    cache: Object.freeze({ lookup: p(hooks.cache.lookup), store: p(hooks.cache.store) }),
    call: p(hooks.call),
    log: p(hooks.log),
    close: p(hooks.close),
  }) as unknown as PluginHooks;
}
