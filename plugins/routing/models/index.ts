import { Type } from '@sinclair/typebox';
import { LRUCache } from 'lru-cache';
import { cutEcho, definePlugin, Order, systemClock, type Circuit, type Clock, type Deployment, type RetryPolicy, type RoutePlan } from 'switchyard';
import { balancedGroup, orderGroup, unavailable, type BalancedGroup, type GroupOrder } from './balance.ts';
import { deploymentsOf, planGroups, resolveGroups } from './resolve.ts';

export const ModelRoutingOptions = Type.Object(
  {
    /** Resolve bare names no group matches by the providers' naming (`claude-*` → anthropic). Default true. */
    providerNaming: Type.Optional(Type.Boolean()),
    /** How long a request holds a half-open deployment's one probe, ms (default 60 s). */
    probeTtlMs: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Time source for cooldown checks (tests inject a fake one). */
    clock: Type.Optional(Type.Unsafe<Clock>({ description: 'A Clock; defaults to the system clock' })),
  },
  { additionalProperties: false, title: 'routing-models' },
);

const maxCachedPlans = 1000;

/** A `provider/model` (or provider-claimed bare) name's plan, with its one id for circuit checks, built once. */
interface NamedRoute {
  readonly plan: RoutePlan;
  /** `[deployment.id]`, kept so the per-request circuit check allocates no array of its own. */
  readonly ids: readonly string[];
}

interface GroupRoute {
  readonly model: string;
  readonly chain: readonly BalancedGroup[];
  readonly maxAttempts: number;
  readonly contextWindowFallbacks: readonly Deployment[];
  readonly contentPolicyFallbacks: readonly Deployment[];
  readonly retry: Readonly<Record<string, RetryPolicy>>;
  readonly timeouts: RoutePlan['timeouts'];
  /** The plan while every group of the chain is in its steady order (nothing cooling), built once. */
  readonly steadyPlan: RoutePlan | undefined;
}

/**
 * The route stage: a model group's deployments (then its fallback groups'), or `provider/model`,
 * or a bare name claimed by a provider's naming rule. For a config group, each request's plan
 * leaves out deployments that are cooling down or at capacity and orders the rest by priority
 * tier and the group's strategy (`routing: 'weighted'`…; config order without one). Unknown
 * names pass, and the core answers 404. Plans for names outside the config are built once and
 * kept (bounded); their one deployment is checked against the cooldowns on every request.
 */
export default definePlugin(ModelRoutingOptions, (options) => ({
  name: 'routing-models',
  setup(gateway) {
    const groups = resolveGroups(gateway.models, gateway.settings);
    const maxAttempts = gateway.settings.maxAttempts ?? 3;
    const clock = options.clock ?? systemClock;
    const probeTtlMs = options.probeTtlMs ?? 60_000;
    const state = gateway.state;
    // Strategies are registered by plugins that may come later in the config: bound on first use.
    let routes: Map<string, GroupRoute> | undefined;
    const buildRoutes = (): Map<string, GroupRoute> => {
      const balanced = new Map<string, BalancedGroup>();
      for (const g of groups.values()) {
        balanced.set(g.name, balancedGroup(g, g.routing === undefined ? undefined : gateway.strategies.get(g.routing)));
      }
      const retry = Object.freeze(Object.fromEntries([...groups.values()].map((x) => [x.name, x.retry])));
      const out = new Map<string, GroupRoute>();
      for (const g of groups.values()) {
        const chain = planGroups(groups, g).map((c) => balanced.get(c.name) as BalancedGroup);
        const route: Omit<GroupRoute, 'steadyPlan'> = {
          model: g.name,
          chain,
          maxAttempts: g.maxAttempts,
          contextWindowFallbacks: Object.freeze(deploymentsOf(groups, g.contextWindowFallbacks)),
          contentPolicyFallbacks: Object.freeze(deploymentsOf(groups, g.contentPolicyFallbacks)),
          retry,
          timeouts: g.timeouts,
        };
        const steady = chain.every((b) => b.steady !== undefined) ? chain.map((b) => b.steady as GroupOrder) : undefined;
        out.set(g.name, Object.freeze({ ...route, steadyPlan: steady === undefined ? undefined : Object.freeze(planOf(route, steady)) }));
      }
      return out;
    };

    const namedPlans = new LRUCache<string, NamedRoute | false>({ max: maxCachedPlans });
    const providerNaming = options.providerNaming ?? true;

    const direct = (model: string, provider: string, upstreamModel: string): NamedRoute => {
      const deployment: Deployment = Object.freeze({
        // Id and group name the client's own text, and end up in logs and state keys: cut (a
        // name past `echoLimit` is no real model; two such names sharing a circuit is harmless).
        id: cutEcho(`${provider}/${upstreamModel}`),
        group: cutEcho(model),
        provider,
        model: upstreamModel,
        ...(gateway.settings.timeout === undefined ? {} : { timeoutMs: gateway.settings.timeout }),
        ...(gateway.settings.dropUnsupportedParams === undefined ? {} : { dropUnsupportedParams: gateway.settings.dropUnsupportedParams }),
      });
      const plan: RoutePlan = Object.freeze({ model, deployments: Object.freeze([deployment]), maxAttempts });
      return Object.freeze({ plan, ids: Object.freeze([deployment.id]) });
    };

    const byName = (model: string): NamedRoute | false => {
      const slash = model.indexOf('/');
      if (slash > 0 && slash < model.length - 1) {
        const provider = model.slice(0, slash);
        if (gateway.providers.has(provider)) return direct(model, provider, model.slice(slash + 1));
      }
      if (!providerNaming) return false;
      const claimant = gateway.providers.claimant(model);
      return claimant === undefined ? false : direct(model, claimant.id, model);
    };

    gateway.hooks.route.tapPromise({ name: 'routing-models', stage: Order.late }, async (ctx) => {
      const model = ctx.model;
      const route = (routes ??= buildRoutes()).get(model);
      if (route !== undefined) {
        const now = clock.now();
        const chain = route.chain;
        // The request itself is the strategies' OrderInput (it carries `request` and `stream`).
        if (chain.length === 1) {
          const b = chain[0] as BalancedGroup;
          const order = await orderGroup(b, state, now, probeTtlMs, ctx);
          if (order === b.steady && route.steadyPlan !== undefined) return route.steadyPlan;
          if (order.deployments.length === 0) throw unavailable(model, now, [order]);
          return planOf(route, [order]);
        }
        const orders = await Promise.all(chain.map((b) => orderGroup(b, state, now, probeTtlMs, ctx)));
        if (route.steadyPlan !== undefined && allSteady(chain, orders)) return route.steadyPlan;
        if (orders.every((o) => o.deployments.length === 0)) throw unavailable(model, now, orders);
        return planOf(route, orders);
      }
      let named = namedPlans.get(model);
      if (named === undefined) {
        named = byName(model);
        namedPlans.set(model, named);
      }
      if (named === false) return undefined;
      // Same rule as a group's deployment: open (or half-open with the probe taken) is not called.
      // Closed, the usual case, returns the cached plan as is: nothing allocated here.
      const now = clock.now();
      const circuit = (await state.circuits(named.ids, now))[0];
      if (circuit === undefined || circuit.state === 'closed') return named.plan;
      return cooledNamed(model, named, circuit, now);
    });

    /** A cooled `provider/model`: the request holding the half-open probe goes through; others get 503. */
    const cooledNamed = async (model: string, named: NamedRoute, circuit: Circuit, now: number): Promise<RoutePlan> => {
      if (circuit.state === 'half-open' && (await state.claimProbe(named.ids[0] as string, now, probeTtlMs))) {
        return { ...named.plan, probes: named.ids };
      }
      const coolingUntil = circuit.state === 'open' ? (circuit.until ?? now) : now;
      throw unavailable(model, now, [{ deployments: [], probes: [], coolingUntil, atCapacity: false }]);
    };
  },
}));

/** A group route's plan for these group orders (one per group of its chain). */
function planOf(route: Omit<GroupRoute, 'steadyPlan'>, orders: readonly GroupOrder[]): RoutePlan {
  const one = orders.length === 1 ? (orders[0] as GroupOrder) : undefined;
  const deployments = one !== undefined ? one.deployments : orders.flatMap((o) => o.deployments);
  const probes = one !== undefined ? one.probes : orders.flatMap((o) => o.probes);
  return {
    model: route.model,
    deployments,
    maxAttempts: route.maxAttempts,
    contextWindowFallbacks: route.contextWindowFallbacks,
    contentPolicyFallbacks: route.contentPolicyFallbacks,
    retry: route.retry,
    ...(route.timeouts === undefined ? {} : { timeouts: route.timeouts }),
    ...(probes.length === 0 ? {} : { probes }),
  };
}

function allSteady(chain: readonly BalancedGroup[], orders: readonly GroupOrder[]): boolean {
  for (let i = 0; i < chain.length; i++) if (orders[i] !== (chain[i] as BalancedGroup).steady) return false;
  return true;
}

export { deploymentsOf, planDeployments, planGroups, resolveGroups, splitProviderModel } from './resolve.ts';
export { atCapacity, balancedGroup, orderGroup } from './balance.ts';
