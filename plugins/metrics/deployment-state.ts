import type { Gauge } from 'prom-client';
import type { Logger, ModelGroup, SharedState } from 'switchyard';

/** `switchyard_deployment_state` values. */
export const DeploymentState = { healthy: 0, cooling: 1, down: 2 } as const;

interface ConfiguredDeployment {
  readonly id: string;
  readonly provider: string;
  readonly model: string;
}

/**
 * The config's deployments with the ids the routing plugin gives them (`<group>#<index>`, the
 * ids cooldowns are kept under). Client-made `provider/model` deployments are left out: their
 * names are the client's.
 */
export function configuredDeployments(groups: readonly ModelGroup[]): ConfiguredDeployment[] {
  return groups.flatMap((group) => group.deployments.map((d, i) => ({ id: `${group.name}#${i}`, provider: d.provider, model: d.model })));
}

/**
 * Fills the deployment-state gauge at scrape time from the shared state's cooldowns (one read
 * per scrape, nothing per request): open (skipped until its cooldown ends) is down, half-open
 * (cooldown over, one probe call allowed) is cooling, anything else healthy. A state store that
 * cannot answer leaves the gauge empty for that scrape rather than failing the scrape.
 */
export function deploymentStateCollector(
  gauge: () => Gauge<'provider' | 'model' | 'deployment'>,
  state: () => SharedState,
  deployments: readonly ConfiguredDeployment[],
  log: Logger,
): () => Promise<void> {
  return async () => {
    const g = gauge();
    g.reset();
    let cooling: Awaited<ReturnType<SharedState['listCooldowns']>>;
    try {
      cooling = await state().listCooldowns(Date.now());
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'metrics: could not read cooldowns');
      return;
    }
    const byId = new Map(cooling.map((c) => [c.deployment, c.state]));
    for (const d of deployments) {
      const circuit = byId.get(d.id);
      const value = circuit === 'open' ? DeploymentState.down : circuit === 'half-open' ? DeploymentState.cooling : DeploymentState.healthy;
      g.labels(d.provider, d.model, d.id).set(value);
    }
  };
}
