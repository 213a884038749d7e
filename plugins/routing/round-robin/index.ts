import { Type } from '@sinclair/typebox';
import { definePlugin, type Candidate, type RoutingStrategy } from 'switchyard';

export const RoundRobinOptions = Type.Object({}, { additionalProperties: false, title: 'routing-round-robin' });

/**
 * Each request starts one deployment further along the group's list; the rest follow in order,
 * so fallbacks still reach every deployment. The counter is per gateway instance: behind a load
 * balancer the instances interleave, which spreads load just as well.
 */
export function roundRobinStrategy(): RoutingStrategy {
  const counters = new Map<string, number>();
  return {
    name: 'round-robin',
    needs: [],
    order(candidates: readonly Candidate[]): readonly Candidate[] {
      const key = (candidates[0] as Candidate).deployment.group;
      const n = counters.get(key) ?? 0;
      counters.set(key, (n + 1) % 1_000_000_007);
      const start = n % candidates.length;
      return start === 0 ? candidates : [...candidates.slice(start), ...candidates.slice(0, start)];
    },
  };
}

/** Route stage: `routing: 'round-robin'`. */
export default definePlugin(RoundRobinOptions, () => ({
  name: 'routing-round-robin',
  setup(gateway) {
    gateway.strategies.register(roundRobinStrategy());
  },
}));
