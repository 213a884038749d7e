import type { Deployment, GatewaySettings, ModelGroup, RetryPolicy, TimeoutPolicy } from 'switchyard';

/** A model group with its deployments resolved once, at start-up. */
export interface ResolvedGroup {
  readonly name: string;
  readonly deployments: readonly Deployment[];
  readonly fallbacks: readonly string[];
  readonly contextWindowFallbacks: readonly string[];
  readonly contentPolicyFallbacks: readonly string[];
  readonly maxAttempts: number;
  /** Load-balancing strategy name; undefined keeps config order. */
  readonly routing: string | undefined;
  readonly retry: RetryPolicy;
  readonly timeouts: TimeoutPolicy;
}

const defaultMaxAttempts = 3;

const opt = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

/** Turns config model groups into frozen deployments, settings inherited deployment ← group ← global. */
export function resolveGroups(groups: readonly ModelGroup[], settings: GatewaySettings): Map<string, ResolvedGroup> {
  const out = new Map<string, ResolvedGroup>();
  for (const group of groups) {
    const deployments = group.deployments.map((d, i): Deployment => {
      const t = { ...group.timeouts, ...d.timeouts };
      const timeoutMs = d.timeouts?.firstByte ?? d.timeout ?? group.timeouts?.firstByte ?? group.timeout ?? settings.timeout;
      const drop = d.dropUnsupportedParams ?? group.dropUnsupportedParams ?? settings.dropUnsupportedParams;
      return Object.freeze({
        id: `${group.name}#${i}`,
        group: group.name,
        provider: d.provider,
        model: d.model,
        ...opt('baseURL', d.baseURL),
        ...opt('apiKey', d.apiKey),
        ...opt('headers', d.headers === undefined ? undefined : Object.freeze({ ...d.headers })),
        ...opt('timeoutMs', timeoutMs),
        ...opt('dropUnsupportedParams', drop),
        ...opt('options', d.options === undefined ? undefined : Object.freeze({ ...d.options })),
        ...opt('connectTimeoutMs', t.connect),
        ...opt('idleTimeoutMs', t.idle),
        ...opt('totalTimeoutMs', t.total),
        ...opt('weight', d.weight),
        ...opt('tier', d.tier),
        ...opt('rpm', d.rpm),
        ...opt('tpm', d.tpm),
        ...opt('maxConcurrent', d.maxConcurrent),
        ...opt('contextWindow', d.contextWindow),
        ...opt('price', d.price === undefined ? undefined : Object.freeze({ ...d.price })),
      });
    });
    out.set(group.name, {
      name: group.name,
      // Frozen: a steady route plan hands this very array to every request.
      deployments: Object.freeze(deployments),
      fallbacks: group.fallbacks ?? [],
      contextWindowFallbacks: group.contextWindowFallbacks ?? [],
      contentPolicyFallbacks: group.contentPolicyFallbacks ?? [],
      maxAttempts: group.maxAttempts ?? settings.maxAttempts ?? defaultMaxAttempts,
      routing: group.routing,
      retry: Object.freeze({ ...group.retry }),
      timeouts: Object.freeze({
        ...opt('requestMs', group.timeouts?.request),
        ...opt('maxRequestMs', group.timeouts?.maxRequest),
      }),
    });
  }
  return out;
}

/** A group followed by its fallback groups, depth first, each group once (so cycles end). */
export function planGroups(groups: ReadonlyMap<string, ResolvedGroup>, start: ResolvedGroup): ResolvedGroup[] {
  const seen = new Set<string>();
  const out: ResolvedGroup[] = [];
  const visit = (group: ResolvedGroup): void => {
    if (seen.has(group.name)) return;
    seen.add(group.name);
    out.push(group);
    for (const name of group.fallbacks) {
      const next = groups.get(name);
      if (next !== undefined) visit(next);
    }
  };
  visit(start);
  return out;
}

/** A group's deployments followed by its fallback groups' (each group once, so cycles end). */
export function planDeployments(groups: ReadonlyMap<string, ResolvedGroup>, start: ResolvedGroup): Deployment[] {
  return planGroups(groups, start).flatMap((g) => g.deployments);
}

/** The deployments of named groups and their fallbacks, in order, each group once. */
export function deploymentsOf(groups: ReadonlyMap<string, ResolvedGroup>, names: readonly string[]): Deployment[] {
  const seen = new Set<string>();
  const out: Deployment[] = [];
  for (const name of names) {
    const group = groups.get(name);
    if (group === undefined) continue;
    for (const g of planGroups(groups, group)) {
      if (seen.has(g.name)) continue;
      seen.add(g.name);
      out.push(...g.deployments);
    }
  }
  return out;
}

/** `provider/model` split at the first slash (`openrouter/anthropic/claude-3.5-sonnet` keeps the rest whole). */
export function splitProviderModel(name: string): { provider: string; model: string } | undefined {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return undefined;
  return { provider: name.slice(0, slash), model: name.slice(slash + 1) };
}
