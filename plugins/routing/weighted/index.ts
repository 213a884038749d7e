import { Type } from '@sinclair/typebox';
import { definePlugin, systemRandom, weightedOrder, type Random, type RoutingStrategy } from 'switchyard';

export const WeightedOptions = Type.Object(
  { random: Type.Optional(Type.Unsafe<Random>({ description: 'A source of chance in [0, 1); tests inject a seeded one' })) },
  { additionalProperties: false, title: 'routing-weighted' },
);

/** Orders deployments by weighted random sampling (`weight`, default 1: a uniform shuffle). */
export function weightedStrategy(random: Random = systemRandom): RoutingStrategy {
  return {
    name: 'weighted',
    needs: [],
    order: (candidates) => weightedOrder(candidates, (c) => c.deployment.weight ?? 1, random),
  };
}

/** Route stage: `routing: 'weighted'` spreads a group's traffic by its deployments' weights. */
export default definePlugin(WeightedOptions, (options) => ({
  name: 'routing-weighted',
  setup(gateway) {
    gateway.strategies.register(weightedStrategy(options.random));
  },
}));
