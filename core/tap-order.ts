import type { ConfigProblem } from './errors.ts';
import type { Plugin } from './plugin.ts';

/** One tap made at set-up: by which plugin, on which hook, at which `stage`, in which order. */
export interface TapRecord {
  readonly plugin: string;
  readonly hook: string;
  readonly stage: number;
}

/**
 * Taps that can never run: made on a stage another plugin owns (`Plugin.owns`), ordered after
 * the owner's tap (a later `stage`, or the same one set up later, as tapable runs them). The
 * owner answers every call, so such a tap is dead code that looks alive; an in-house call
 * strategy added beside the preset's is the usual case. Taps ordered before the owner's run.
 */
export function unreachableTaps(plugins: readonly Plugin[], taps: readonly TapRecord[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const owner of plugins) {
    for (const hook of owner.owns ?? []) {
      const first = taps.findIndex((t) => t.plugin === owner.name && t.hook === hook);
      const own = taps[first];
      if (own === undefined) continue;
      const shadowed = new Set<string>();
      taps.forEach((t, i) => {
        if (t.hook !== hook || t.plugin === owner.name) return;
        if (t.stage > own.stage || (t.stage === own.stage && i > first)) shadowed.add(t.plugin);
      });
      for (const name of shadowed) {
        problems.push({
          path: `plugin '${name}'`,
          message: `taps the '${hook}' stage after '${owner.name}', which owns it and answers every call: the tap would never run (tap at an earlier stage, or keep one of the two)`,
        });
      }
    }
  }
  return problems;
}
