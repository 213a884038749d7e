import { Type } from '@sinclair/typebox';
import { byScore, definePlugin, systemRandom, type Candidate, type Random, type RoutingStrategy } from 'switchyard';

export const UsageBasedOptions = Type.Object(
  { random: Type.Optional(Type.Unsafe<Random>({ description: 'Tie-break source; tests inject a seeded one' })) },
  { additionalProperties: false, title: 'routing-usage-based' },
);

/**
 * How much of its rpm/tpm a deployment has used this minute (0..1, the tighter limit). Without
 * limits, raw tokens used stand in, scaled small so limited deployments compare among themselves.
 */
export function utilisation(c: Candidate): number {
  const d = c.deployment;
  const byRequests = d.rpm === undefined ? undefined : c.usage.requests / d.rpm;
  const byTokens = d.tpm === undefined ? undefined : c.usage.tokens / d.tpm;
  if (byRequests === undefined && byTokens === undefined) return c.usage.tokens / 1e12;
  return Math.max(byRequests ?? 0, byTokens ?? 0);
}

/** Most remaining rpm/tpm headroom first (usage is shared across instances with Redis). */
export function usageBasedStrategy(random: Random = systemRandom): RoutingStrategy {
  return { name: 'usage-based', needs: ['usage'], order: (candidates) => byScore(candidates, utilisation, random) };
}

/** Route stage: `routing: 'usage-based'`. Usage is recorded by the call stage (`fallback-resilient`). */
export default definePlugin(UsageBasedOptions, (options) => ({
  name: 'routing-usage-based',
  setup(gateway) {
    gateway.strategies.register(usageBasedStrategy(options.random));
  },
}));
