import type { Deployment, GatewaySettings, ModelGroup } from 'switchyard';

/** A model group with its deployments resolved once, at start-up. */
export interface ResolvedGroup {
  readonly name: string;
  readonly deployments: readonly Deployment[];
  readonly fallbacks: readonly string[];
  readonly maxAttempts: number;
}

const defaultMaxAttempts = 3;

/** Turns config model groups into frozen deployments, settings inherited deployment ← group ← global. */
export function resolveGroups(groups: readonly ModelGroup[], settings: GatewaySettings): Map<string, ResolvedGroup> {
  const out = new Map<string, ResolvedGroup>();
  for (const group of groups) {
    const deployments = group.deployments.map((d, i): Deployment => {
      const timeoutMs = d.timeout ?? group.timeout ?? settings.timeout;
      const drop = d.dropUnsupportedParams ?? group.dropUnsupportedParams ?? settings.dropUnsupportedParams;
      return Object.freeze({
        id: `${group.name}#${i}`,
        group: group.name,
        provider: d.provider,
        model: d.model,
        ...(d.baseURL === undefined ? {} : { baseURL: d.baseURL }),
        ...(d.apiKey === undefined ? {} : { apiKey: d.apiKey }),
        ...(d.headers === undefined ? {} : { headers: Object.freeze({ ...d.headers }) }),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        ...(drop === undefined ? {} : { dropUnsupportedParams: drop }),
        ...(d.options === undefined ? {} : { options: Object.freeze({ ...d.options }) }),
      });
    });
    out.set(group.name, {
      name: group.name,
      deployments,
      fallbacks: group.fallbacks ?? [],
      maxAttempts: group.maxAttempts ?? settings.maxAttempts ?? defaultMaxAttempts,
    });
  }
  return out;
}

/** A group's deployments followed by its fallback groups' (each group once, so cycles end). */
export function planDeployments(groups: ReadonlyMap<string, ResolvedGroup>, start: ResolvedGroup): Deployment[] {
  const seen = new Set<string>();
  const out: Deployment[] = [];
  const visit = (group: ResolvedGroup): void => {
    if (seen.has(group.name)) return;
    seen.add(group.name);
    out.push(...group.deployments);
    for (const name of group.fallbacks) {
      const next = groups.get(name);
      if (next !== undefined) visit(next);
    }
  };
  visit(start);
  return out;
}

/** `provider/model` split at the first slash (`openrouter/anthropic/claude-3.5-sonnet` keeps the rest whole). */
export function splitProviderModel(name: string): { provider: string; model: string } | undefined {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return undefined;
  return { provider: name.slice(0, slash), model: name.slice(slash + 1) };
}
