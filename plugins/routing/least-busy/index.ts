import { Type } from '@sinclair/typebox';
import { byScore, definePlugin, systemRandom, type Random, type RoutingStrategy } from 'switchyard';

export const LeastBusyOptions = Type.Object(
  { random: Type.Optional(Type.Unsafe<Random>({ description: 'Tie-break source; tests inject a seeded one' })) },
  { additionalProperties: false, title: 'routing-least-busy' },
);

/** Fewest calls in flight first (counted in the shared state, so across instances with Redis). */
export function leastBusyStrategy(random: Random = systemRandom): RoutingStrategy {
  return { name: 'least-busy', needs: ['inFlight'], order: (candidates) => byScore(candidates, (c) => c.inFlight, random) };
}

/** Route stage: `routing: 'least-busy'`. */
export default definePlugin(LeastBusyOptions, (options) => ({
  name: 'routing-least-busy',
  setup(gateway) {
    gateway.strategies.register(leastBusyStrategy(options.random));
  },
}));
