import { Type } from '@sinclair/typebox';
import {
  byScore,
  definePlugin,
  estimatePromptTokens,
  requestedOutputTokens,
  systemRandom,
  type Candidate,
  type OrderInput,
  type Random,
  type RoutingStrategy,
} from 'switchyard';
import { defaultPrices, priceOf, type Price } from './prices.ts';

const PriceSchema = Type.Object(
  {
    input: Type.Number({ minimum: 0, description: 'USD per million prompt tokens' }),
    output: Type.Number({ minimum: 0, description: 'USD per million completion tokens' }),
    cachedInput: Type.Optional(Type.Number({ minimum: 0, description: 'USD per million cached prompt tokens' })),
  },
  { additionalProperties: false },
);

export const LowestCostOptions = Type.Object(
  {
    /** Prices by `model` or `provider/model`, added to (and overriding) the shipped table. */
    prices: Type.Optional(Type.Record(Type.String(), PriceSchema)),
    /** Completion tokens assumed when the request sets no `max_tokens` (default 256). */
    expectedOutputTokens: Type.Optional(Type.Integer({ minimum: 0 })),
    random: Type.Optional(Type.Unsafe<Random>({ description: 'Tie-break source; tests inject a seeded one' })),
  },
  { additionalProperties: false, title: 'routing-lowest-cost' },
);

export interface LowestCostSettings {
  readonly prices?: Readonly<Record<string, Price>>;
  readonly expectedOutputTokens?: number;
  readonly random?: Random;
}

/**
 * Cheapest expected call first: estimated prompt tokens × input price + expected completion
 * tokens × output price. A deployment without a known price goes last.
 */
export function lowestCostStrategy(settings: LowestCostSettings = {}): RoutingStrategy {
  const table = Object.freeze({ ...defaultPrices, ...settings.prices });
  const expected = settings.expectedOutputTokens ?? 256;
  const random = settings.random ?? systemRandom;
  const cache = new Map<string, Price | undefined>();
  const price = (c: Candidate): Price | undefined => {
    const d = c.deployment;
    if (!cache.has(d.id)) cache.set(d.id, priceOf(table, d.provider, d.model));
    return cache.get(d.id);
  };
  return {
    name: 'lowest-cost',
    needs: [],
    order(candidates, input: OrderInput) {
      const promptTokens = estimatePromptTokens(input.request);
      const outputTokens = requestedOutputTokens(input.request) ?? expected;
      return byScore(candidates, (c) => {
        const p = price(c);
        return p === undefined ? Infinity : (promptTokens * p.input + outputTokens * p.output) / 1e6;
      }, random);
    },
  };
}

/** Route stage: `routing: 'lowest-cost'`. */
export default definePlugin(LowestCostOptions, (options) => ({
  name: 'routing-lowest-cost',
  setup(gateway) {
    gateway.strategies.register(lowestCostStrategy(options));
  },
}));

export { defaultPrices, priceOf, type Price } from './prices.ts';
