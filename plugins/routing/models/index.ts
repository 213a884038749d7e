import { Type } from '@sinclair/typebox';
import { LRUCache } from 'lru-cache';
import { definePlugin, Order, type Deployment, type RoutePlan } from 'switchyard';
import { planDeployments, resolveGroups, splitProviderModel } from './resolve.ts';

export const ModelRoutingOptions = Type.Object(
  {
    /** Resolve bare names no group matches by the providers' naming (`claude-*` → anthropic). Default true. */
    providerNaming: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, title: 'routing-models' },
);

const maxCachedPlans = 1000;

/**
 * The route stage: a model group's deployments (then its fallback groups'), or `provider/model`,
 * or a bare name claimed by a provider's naming rule. Unknown names pass, and the core answers 404.
 * Plans for names outside the config are built once and kept (bounded), so the hot path does not
 * allocate them per request.
 */
export default definePlugin(ModelRoutingOptions, (options) => ({
  name: 'routing-models',
  setup(gateway) {
    const groups = resolveGroups(gateway.models, gateway.settings);
    const maxAttempts = gateway.settings.maxAttempts ?? 3;
    const groupPlans = new Map<string, RoutePlan>();
    for (const group of groups.values()) {
      groupPlans.set(group.name, Object.freeze({
        model: group.name,
        deployments: Object.freeze(planDeployments(groups, group)),
        maxAttempts: group.maxAttempts,
      }));
    }
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
      const split = splitProviderModel(model);
      if (split !== undefined && gateway.providers.has(split.provider)) return direct(model, split.provider, split.model);
      if (!providerNaming) return false;
      const claimant = gateway.providers.claimant(model);
      return claimant === undefined ? false : direct(model, claimant.id, model);
    };

    gateway.hooks.route.tapPromise({ name: 'routing-models', stage: Order.late }, async (ctx) => {
      const model = ctx.model;
      const plan = groupPlans.get(model);
      if (plan !== undefined) return plan;
      let named = namedPlans.get(model);
      if (named === undefined) {
        named = byName(model);
        namedPlans.set(model, named);
      }
      return named === false ? undefined : named;
    });
  },
}));

export { planDeployments, resolveGroups, splitProviderModel } from './resolve.ts';
