import { Type } from '@sinclair/typebox';
import { byScore, definePlugin, systemRandom, type Candidate, type Random, type RoutingStrategy } from 'switchyard';

export const LowestLatencyOptions = Type.Object(
  { random: Type.Optional(Type.Unsafe<Random>({ description: 'Tie-break source; tests inject a seeded one' })) },
  { additionalProperties: false, title: 'routing-lowest-latency' },
);

/**
 * Lowest moving-average latency first: time to first token for streams (what a streaming
 * client waits for), whole-call latency otherwise. A deployment not yet measured scores 0, so
 * it is tried and gets a measurement instead of being starved.
 */
export function lowestLatencyStrategy(random: Random = systemRandom): RoutingStrategy {
  const streamScore = (c: Candidate): number => c.ttftMs ?? c.latencyMs ?? 0;
  const callScore = (c: Candidate): number => c.latencyMs ?? 0;
  return {
    name: 'lowest-latency',
    needs: ['latency'],
    order: (candidates, input) => byScore(candidates, input.stream ? streamScore : callScore, random),
  };
}

/** Route stage: `routing: 'lowest-latency'`. Latencies are recorded by the call stage (`fallback-resilient`). */
export default definePlugin(LowestLatencyOptions, (options) => ({
  name: 'routing-lowest-latency',
  setup(gateway) {
    gateway.strategies.register(lowestLatencyStrategy(options.random));
  },
}));
