import { Type } from '@sinclair/typebox';
import { LRUCache } from 'lru-cache';
import { definePlugin, Order, systemClock, type Clock, type Deployment, type RetryPolicy, type RoutePlan } from 'switchyard';
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

interface GroupRoute {
  readonly model: string;
  readonly chain: readonly BalancedGroup[];
  readonly maxAttempts: number;
  readonly contextWindowFallbacks: readonly Deployment[];
  readonly contentPolicyFallbacks: readonly Deployment[];
  readonly retry: Readonly<Record<string, RetryPolicy>>;
  readonly timeouts: RoutePlan['timeouts'];
}

/**
 * The route stage: a model group's deployments (then its fallback groups'), or `provider/model`,
 * or a bare name claimed by a provider's naming rule. For a config group, each request's plan
 * leaves out deployments that are cooling down or at capacity and orders the rest by priority
 * tier and the group's strategy (`routing: 'weighted'`…; config order without one). Unknown
 * names pass, and the core answers 404. Plans for names outside the config are built once and
 * kept (bounded).
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
      const out = new Map<string, GroupRoute>();
      for (const g of groups.values()) {
        const chain = planGroups(groups, g);
        out.set(g.name, Object.freeze({
          model: g.name,
          chain: chain.map((c) => balanced.get(c.name) as BalancedGroup),
          maxAttempts: g.maxAttempts,
          contextWindowFallbacks: Object.freeze(deploymentsOf(groups, g.contextWindowFallbacks)),
          contentPolicyFallbacks: Object.freeze(deploymentsOf(groups, g.contentPolicyFallbacks)),
          retry: Object.freeze(Object.fromEntries([...groups.values()].map((x) => [x.name, x.retry]))),
          timeouts: g.timeouts,
        }));
      }
      return out;
    };

    const namedPlans = new LRUCache<string, RoutePlan | false>({ max: maxCachedPlans });
    const providerNaming = options.providerNaming ?? true;

    const direct = (model: string, provider: string, upstreamModel: string): RoutePlan => {
      const deployment: Deployment = Object.freeze({
        id: `${provider}/${upstreamModel}`,
        group: model,
        provider,
        model: upstreamModel,
        ...(gateway.settings.timeout === undefined ? {} : { timeoutMs: gateway.settings.timeout }),
        ...(gateway.settings.dropUnsupportedParams === undefined ? {} : { dropUnsupportedParams: gateway.settings.dropUnsupportedParams }),
      });
      return Object.freeze({ model, deployments: Object.freeze([deployment]), maxAttempts });
    };

    const byName = (model: string): RoutePlan | false => {
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
        const input = { request: ctx.request, stream: ctx.stream };
        const orders: GroupOrder[] = await Promise.all(route.chain.map((b) => orderGroup(b, state, now, probeTtlMs, input)));
        const deployments = orders.length === 1 ? (orders[0] as GroupOrder).deployments : orders.flatMap((o) => o.deployments);
        if (deployments.length === 0) throw unavailable(model, now, orders);
        const probes = orders.length === 1 ? (orders[0] as GroupOrder).probes : orders.flatMap((o) => o.probes);
        return {
          model,
          deployments,
          maxAttempts: route.maxAttempts,
          contextWindowFallbacks: route.contextWindowFallbacks,
          contentPolicyFallbacks: route.contentPolicyFallbacks,
          retry: route.retry,
          ...(route.timeouts === undefined ? {} : { timeouts: route.timeouts }),
          ...(probes.length === 0 ? {} : { probes }),
        };
      }
      let named = namedPlans.get(model);
      if (named === undefined) {
        named = byName(model);
        namedPlans.set(model, named);
      }
      return named === false ? undefined : named;
    });
  },
}));

export { deploymentsOf, planDeployments, planGroups, resolveGroups, splitProviderModel } from './resolve.ts';
export { atCapacity, balancedGroup, orderGroup } from './balance.ts';
