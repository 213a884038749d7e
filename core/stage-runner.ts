import { tag } from './hooks.ts';

/**
 * Runs one stage's taps for the pipeline, in tapable's order and with its semantics, without the
 * machinery tapable's `promise()` builds on every call (an outer promise, its executor, an error
 * closure and a reaction per tap, on top of the tap's own promise): a gateway with virtual keys
 * runs four or five tapped stages per request, and that machinery was a third of what the keys
 * plugin allocated per request in heap profiles. Built once per stage, when the pipeline is, from
 * the taps registered at set-up (`hook.taps`, sorted by `stage` as tapable runs them). A tap's
 * error is tagged with its plugin and stage here, as the plugin-facing wrapper in hooks.ts does
 * for callers of `hook.promise()`.
 */

/** A tap as the pipeline runs it: the plugin's own function, and whom to blame when it fails. */
interface StageTap {
  readonly fn: (a: never, b: never) => unknown;
  readonly plugin: string;
}

/** What a tapable hook shows of its taps (hooks.ts keeps `raw` and `plugin` on each). */
interface TappedHook {
  readonly name: string | undefined;
  readonly taps: readonly { readonly name: string; readonly fn: Function; readonly raw?: unknown; readonly plugin?: unknown }[];
}

function stageTaps(hook: TappedHook): StageTap[] {
  return hook.taps.map((t) => {
    const raw = typeof t.raw === 'function' ? (t.raw as StageTap['fn']) : undefined;
    // A tap made on the tapable hook itself (not through a plugin's hooks): its wrapper is all there is.
    return { fn: raw ?? (t.fn as StageTap['fn']), plugin: typeof t.plugin === 'string' ? t.plugin : t.name };
  });
}

/**
 * A bail stage (auth, route, cache.lookup, call): taps in order until one returns anything but
 * `undefined` (`null` included), which is the stage's answer; `undefined` when every tap passed.
 */
export function bailStage<A, B, R>(hook: TappedHook): (a: A, b?: B) => Promise<R | undefined> {
  const stage = hook.name ?? 'unknown';
  const taps = stageTaps(hook);
  return async (a: A, b?: B): Promise<R | undefined> => {
    for (let i = 0; i < taps.length; i++) {
      const tap = taps[i] as StageTap;
      let result: unknown;
      try {
        result = await (tap.fn as (a: A, b?: B) => unknown)(a, b);
      } catch (err) {
        throw tag(err, tap.plugin, stage);
      }
      if (result !== undefined) return result as R;
    }
    return undefined;
  };
}

/** A waterfall stage (transform.request, transform.response): each tap's answer, unless `undefined`, replaces the value. */
export function waterfallStage<V, C>(hook: TappedHook): (value: V, ctx: C) => Promise<V> {
  const stage = hook.name ?? 'unknown';
  const taps = stageTaps(hook);
  return async (value: V, ctx: C): Promise<V> => {
    let current = value;
    for (let i = 0; i < taps.length; i++) {
      const tap = taps[i] as StageTap;
      let result: unknown;
      try {
        result = await (tap.fn as (v: V, c: C) => unknown)(current, ctx);
      } catch (err) {
        throw tag(err, tap.plugin, stage);
      }
      if (result !== undefined) current = result as V;
    }
    return current;
  };
}

/**
 * A parallel stage run after the answer (log, cache.store): every tap is called at once, in
 * order, and each failure is reported on its own, tagged; nothing waits for them. The report
 * handlers are made here, once per tap, so a call makes no closure.
 */
export function parallelStage<A, B>(hook: TappedHook, report: (err: unknown) => void): (a: A, b: B) => void {
  const stage = hook.name ?? 'unknown';
  const taps = stageTaps(hook).map((tap) => ({ fn: tap.fn as (a: A, b: B) => unknown, failed: (err: unknown) => report(tag(err, tap.plugin, stage)) }));
  return (a: A, b: B): void => {
    for (let i = 0; i < taps.length; i++) {
      const tap = taps[i] as (typeof taps)[number];
      let result: unknown;
      try {
        result = tap.fn(a, b);
      } catch (err) {
        tap.failed(err);
        continue;
      }
      if (result instanceof Promise) result.then(undefined, tap.failed);
    }
  };
}
