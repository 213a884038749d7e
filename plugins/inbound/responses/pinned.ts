import type { Deployment, GatewaySettings, ModelGroup } from 'switchyard';
import type { PinnedDeployment } from './store.ts';

/**
 * The deployment a native response was created on, from the config, by the id routing gave it:
 * `<group>#<index>` for a model group's deployment, `<provider>/<model>` for a provider-named
 * one. Undefined when the config no longer has it (or it now names another provider or model):
 * the upstream account that holds the response is then unknown.
 *
 * Settings are inherited deployment ← group ← global for what a retrieval uses (keys, URL,
 * headers, provider options, timeouts), as the routing plugin resolves them.
 */
export function pinnedTarget(models: readonly ModelGroup[], settings: GatewaySettings, pinned: PinnedDeployment): Deployment | undefined {
  const target = configured(models, settings, pinned.deployment) ?? direct(settings, pinned);
  return target !== undefined && target.provider === pinned.provider && target.model === pinned.model ? target : undefined;
}

function configured(models: readonly ModelGroup[], settings: GatewaySettings, id: string): Deployment | undefined {
  const hash = id.lastIndexOf('#');
  if (hash <= 0) return undefined;
  const group = models.find((g) => g.name === id.slice(0, hash));
  const index = Number(id.slice(hash + 1));
  const d = Number.isInteger(index) ? group?.deployments[index] : undefined;
  if (group === undefined || d === undefined) return undefined;
  const t = { ...group.timeouts, ...d.timeouts };
  const timeoutMs = t.firstByte ?? d.timeout ?? group.timeout ?? settings.timeout;
  return {
    id,
    group: group.name,
    provider: d.provider,
    model: d.model,
    ...(d.baseURL === undefined ? {} : { baseURL: d.baseURL }),
    ...(d.apiKey === undefined ? {} : { apiKey: d.apiKey }),
    ...(d.headers === undefined ? {} : { headers: d.headers }),
    ...(d.options === undefined ? {} : { options: d.options }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(t.connect === undefined ? {} : { connectTimeoutMs: t.connect }),
    ...(t.idle === undefined ? {} : { idleTimeoutMs: t.idle }),
    ...(t.total === undefined ? {} : { totalTimeoutMs: t.total }),
  };
}

function direct(settings: GatewaySettings, pinned: PinnedDeployment): Deployment | undefined {
  if (pinned.deployment !== `${pinned.provider}/${pinned.model}`) return undefined;
  return {
    id: pinned.deployment,
    group: pinned.deployment,
    provider: pinned.provider,
    model: pinned.model,
    ...(settings.timeout === undefined ? {} : { timeoutMs: settings.timeout }),
  };
}
