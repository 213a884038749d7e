import {
  cutEcho,
  GatewayError,
  noUsage,
  type Candidate,
  type Circuit,
  type Deployment,
  type OrderInput,
  type RoutingStrategy,
  type SharedState,
  type StrategyNeed,
  type UsageWindow,
} from 'switchyard';
import type { ResolvedGroup } from './resolve.ts';

/** A group's deployments for one request: usable ones in order, and why others were left out. */
export interface GroupOrder {
  readonly deployments: readonly Deployment[];
  /** Half-open deployments whose probe this request claimed. */
  readonly probes: readonly string[];
  /** Earliest end of a cooldown among the deployments left out, epoch ms. */
  readonly coolingUntil: number | undefined;
  readonly atCapacity: boolean;
}

/** What the router needs to know about a group, computed once at start-up. */
export interface BalancedGroup {
  readonly group: ResolvedGroup;
  readonly ids: readonly string[];
  readonly strategy: RoutingStrategy | undefined;
  readonly needs: ReadonlySet<StrategyNeed>;
  readonly tiered: boolean;
  /**
   * The order while nothing cools, for a group kept in config order (no strategy, one tier, no
   * capacity limits): built once, returned as is. Undefined when the order depends on the request.
   */
  readonly steady: GroupOrder | undefined;
}

/** Shared state a strategy or a capacity check reads, fetched with the circuits. */
interface Reads {
  readonly inFlight?: readonly number[] | undefined;
  readonly latency?: readonly (number | undefined)[] | undefined;
  readonly ttft?: readonly (number | undefined)[] | undefined;
  readonly usage?: readonly UsageWindow[] | undefined;
}
const noReads: Reads = Object.freeze({});

export function balancedGroup(group: ResolvedGroup, strategy: RoutingStrategy | undefined): BalancedGroup {
  const needs = new Set<StrategyNeed>(strategy?.needs ?? []);
  for (const d of group.deployments) {
    if (d.maxConcurrent !== undefined) needs.add('inFlight');
    if (d.rpm !== undefined || d.tpm !== undefined) needs.add('usage');
  }
  const tiered = new Set(group.deployments.map((d) => d.tier ?? 0)).size > 1;
  const steady =
    strategy === undefined && !tiered && needs.size === 0 && group.deployments.length > 0
      ? Object.freeze({ deployments: group.deployments, probes: Object.freeze([]), coolingUntil: undefined, atCapacity: false })
      : undefined;
  return { group, ids: group.deployments.map((d) => d.id), strategy, needs, tiered, steady };
}

export function atCapacity(d: Deployment, inFlight: number, usage: UsageWindow): boolean {
  return (
    (d.maxConcurrent !== undefined && inFlight >= d.maxConcurrent) ||
    (d.rpm !== undefined && usage.requests >= d.rpm) ||
    (d.tpm !== undefined && usage.tokens >= d.tpm)
  );
}

/**
 * Orders one group's deployments for a request: cooling ones and those at capacity are left
 * out, a half-open one is kept only by the request that wins its probe (and goes first in its
 * tier), then each priority tier is ordered by the group's strategy, lower tiers first.
 */
export async function orderGroup(
  b: BalancedGroup,
  state: SharedState,
  now: number,
  probeTtlMs: number,
  input: OrderInput,
): Promise<GroupOrder> {
  const { ids, needs } = b;
  if (needs.size === 0) {
    const circuits = await state.circuits(ids, now);
    if (b.steady !== undefined && circuits.every(isClosed)) return b.steady;
    return select(b, state, now, probeTtlMs, input, circuits, noReads);
  }
  const [circuits, inFlight, latency, ttft, usage] = await Promise.all([
    state.circuits(ids, now),
    needs.has('inFlight') ? state.inFlight(ids) : undefined,
    needs.has('latency') ? state.latencies(ids, 'total') : undefined,
    needs.has('latency') ? state.latencies(ids, 'ttft') : undefined,
    needs.has('usage') ? state.usage(ids, now) : undefined,
  ]);
  return select(b, state, now, probeTtlMs, input, circuits, { inFlight, latency, ttft, usage });
}

const isClosed = (c: Circuit): boolean => c.state === 'closed';

/** The per-deployment pass of `orderGroup`, given what was read from the shared state. */
async function select(
  b: BalancedGroup,
  state: SharedState,
  now: number,
  probeTtlMs: number,
  input: OrderInput,
  circuits: readonly Circuit[],
  { inFlight, latency, ttft, usage }: Reads,
): Promise<GroupOrder> {
  const deployments = b.group.deployments;
  const probes: string[] = [];
  let coolingUntil: number | undefined;
  let capacity = false;
  const candidates: Candidate[] = [];
  for (let i = 0; i < deployments.length; i++) {
    const d = deployments[i] as Deployment;
    const circuit = circuits[i] as Circuit;
    if (circuit.state === 'open') {
      coolingUntil = Math.min(coolingUntil ?? Infinity, circuit.until ?? now);
      continue;
    }
    const c: Candidate = {
      deployment: d,
      inFlight: inFlight?.[i] ?? 0,
      latencyMs: latency?.[i],
      ttftMs: ttft?.[i],
      usage: usage?.[i] ?? noUsage,
    };
    if (atCapacity(d, c.inFlight, c.usage)) {
      capacity = true;
      continue;
    }
    if (circuit.state === 'half-open') {
      if (!(await state.claimProbe(d.id, now, probeTtlMs))) {
        coolingUntil = Math.min(coolingUntil ?? Infinity, now);
        continue;
      }
      probes.push(d.id);
    }
    candidates.push(c);
  }
  return { deployments: orderTiers(b, candidates, probes, input), probes, coolingUntil, atCapacity: capacity };
}

function orderTiers(b: BalancedGroup, candidates: Candidate[], probes: readonly string[], input: OrderInput): Deployment[] {
  if (candidates.length === 0) return [];
  const tiers = b.tiered ? [...new Set(candidates.map(tierOf))].sort((x, y) => x - y) : [undefined];
  const out: Deployment[] = [];
  for (const tier of tiers) {
    const inTier = tier === undefined ? candidates : candidates.filter((c) => tierOf(c) === tier);
    const ordered = b.strategy === undefined || inTier.length < 2 ? inTier : b.strategy.order(inTier, input);
    // The probe goes first: a half-open deployment recovers only if it is actually called.
    if (probes.length > 0) {
      for (const c of ordered) if (probes.includes(c.deployment.id)) out.push(c.deployment);
      for (const c of ordered) if (!probes.includes(c.deployment.id)) out.push(c.deployment);
    } else {
      for (const c of ordered) out.push(c.deployment);
    }
  }
  return out;
}

const tierOf = (c: Candidate): number => c.deployment.tier ?? 0;

/** Nothing usable: 429 if capacity is the reason, else 503; both say when to come back. */
export function unavailable(model: string, now: number, orders: readonly GroupOrder[]): GatewayError {
  const until = orders.reduce<number | undefined>((m, o) => (o.coolingUntil === undefined ? m : Math.min(m ?? Infinity, o.coolingUntil)), undefined);
  const capacity = orders.some((o) => o.atCapacity);
  if (capacity && until === undefined) {
    const retryAfterS = Math.max(1, Math.ceil((60_000 - (now % 60_000)) / 1000));
    return new GatewayError(429, 'rate_limit_error', `every deployment of model '${cutEcho(model)}' is at capacity`, {
      code: 'deployments_at_capacity',
      retryAfterS,
    });
  }
  const retryAfterS = until === undefined ? undefined : Math.max(1, Math.ceil((until - now) / 1000));
  return new GatewayError(503, 'service_unavailable_error', `no healthy deployment for model '${cutEcho(model)}': every deployment is cooling down or at capacity`, {
    code: 'no_healthy_deployment',
    ...(retryAfterS === undefined ? {} : { retryAfterS }),
  });
}
