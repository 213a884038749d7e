import type { ModelGroup, SharedState } from 'switchyard';
import type { DeploymentRates, RequestRateSnapshot } from './request-rate.ts';

/** A configured deployment as the health view shows it. */
export interface DeploymentHealth {
  /** `group#index`, the id routing and shared state use. */
  readonly id: string;
  readonly group: string;
  readonly provider: string;
  readonly model: string;
  /** closed = taking traffic, open = cooling down, half-open = waiting for its probe. */
  readonly state: 'closed' | 'open' | 'half-open';
  /** When the cooldown ends (open) or ended (half-open), ISO; null when closed. */
  readonly until: string | null;
  readonly reason: string | null;
  readonly in_flight: number;
  /** Upstream attempts this instance made on it in the last minute, and how many failed. */
  readonly attempts_last_minute: number;
  readonly failed_last_minute: number;
}

/** A cooldown of a deployment that is not in the config (a `provider/model` name called directly). */
export interface OtherCooldown {
  readonly id: string;
  readonly state: 'open' | 'half-open';
  readonly until: string;
  readonly reason: string;
}

/** `GET /ui/api/health`. */
export interface HealthAnswer {
  /** ISO time of the answer. */
  readonly at: string;
  /** Where cooldowns live (`memory`, `redis`): with memory, this instance's view only. */
  readonly state: string;
  readonly requests: RequestRateSnapshot;
  readonly deployments: readonly DeploymentHealth[];
  readonly other_cooldowns: readonly OtherCooldown[];
}

interface Configured {
  readonly id: string;
  readonly group: string;
  readonly provider: string;
  readonly model: string;
}

/** Deployment ids as the routing plugin names them (`group#index`). */
export function configuredDeployments(groups: readonly ModelGroup[]): Configured[] {
  return groups.flatMap((g) => g.deployments.map((d, i) => ({ id: `${g.name}#${i}`, group: g.name, provider: d.provider, model: d.model })));
}

const isoOrNull = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** What this instance counted itself (the log tap), beside the shared state. */
export interface LocalCounts {
  readonly requests: RequestRateSnapshot;
  readonly deployments: DeploymentRates;
}

/** Reads the shared state once per poll: two batched reads and the cooldown list. */
export async function healthAnswer(state: SharedState, deployments: readonly Configured[], local: LocalCounts, now: number): Promise<HealthAnswer> {
  const ids = deployments.map((d) => d.id);
  const [circuits, inFlight, cooldowns] = await Promise.all([state.circuits(ids, now), state.inFlight(ids), state.listCooldowns(now)]);
  const known = new Set(ids);
  return {
    at: new Date(now).toISOString(),
    state: state.kind,
    requests: local.requests,
    deployments: deployments.map((d, i) => {
      const circuit = circuits[i];
      const attempts = local.deployments.lastMinute(d.id, now);
      return {
        ...d,
        state: circuit?.state ?? 'closed',
        until: isoOrNull(circuit?.until),
        reason: circuit?.reason ?? null,
        in_flight: inFlight[i] ?? 0,
        attempts_last_minute: attempts.attempts,
        failed_last_minute: attempts.failed,
      };
    }),
    other_cooldowns: cooldowns
      .filter((c) => !known.has(c.deployment))
      .map((c) => ({ id: c.deployment, state: c.state, until: new Date(c.until).toISOString(), reason: c.reason })),
  };
}
