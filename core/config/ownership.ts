import type { ConfigProblem } from '../errors.ts';
import type { ExclusiveStage } from '../hooks.ts';
import type { Plugin } from '../plugin.ts';

/**
 * Two plugins claiming the same stage (`Plugin.owns`): the first tap would answer every request
 * and the second would never run, with nothing in the logs. Reported at config resolution, so
 * `switchyard check` and start-up both name the two plugins. `positions` maps each plugin back to
 * its entry in `plugins[]`.
 */
export function ownershipProblems(plugins: readonly Plugin[], positions: readonly number[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const owners = new Map<ExclusiveStage, { name: string; at: number }>();
  plugins.forEach((p, k) => {
    const at = positions[k] as number;
    for (const stage of p.owns ?? []) {
      const first = owners.get(stage);
      if (first === undefined) {
        owners.set(stage, { name: p.name, at });
        continue;
      }
      problems.push({
        path: `plugins[${at}]`,
        message:
          `plugins '${first.name}' (plugins[${first.at}]) and '${p.name}' both own the '${stage}' stage; only the first would ever run. ` +
          `Keep one${stage === 'call' ? " (defaultPlugins(env, { fallback }) swaps the preset's fallback-ordered)" : ''}`,
      });
    }
  });
  return problems;
}
