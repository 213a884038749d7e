import { Type } from '@sinclair/typebox';
import {
  byScore,
  definePlugin,
  estimatePromptTokens,
  PriceBook,
  PriceSchema,
  requestedOutputTokens,
  systemRandom,
  type Candidate,
  type OrderInput,
  type Price,
  type PriceTable,
  type Random,
  type RoutingStrategy,
} from 'switchyard';

export const LowestCostOptions = Type.Object(
  {
    /** Prices by `model` or `provider/model`, added to (and overriding) the shipped table; a deployment's `price` beats both. */
    prices: Type.Optional(Type.Record(Type.String(), PriceSchema)),
    /** Completion tokens assumed when the request sets no `max_tokens` (default 256). */
    expectedOutputTokens: Type.Optional(Type.Integer({ minimum: 0 })),
    random: Type.Optional(Type.Unsafe<Random>({ description: 'Tie-break source; tests inject a seeded one' })),
  },
  { additionalProperties: false, title: 'routing-lowest-cost' },
);

export interface LowestCostSettings {
  readonly prices?: PriceTable;
  readonly expectedOutputTokens?: number;
  readonly random?: Random;
}

/**
 * Cheapest expected call first: estimated prompt tokens × input price + expected completion
 * tokens × output price. Prices come from the gateway's one table (`PriceBook`): a deployment's
 * `price`, else `settings.prices`, else the shipped table. A deployment without a known price goes last.
 */
export function lowestCostStrategy(settings: LowestCostSettings = {}): RoutingStrategy {
  const prices = new PriceBook(settings.prices);
  const expected = settings.expectedOutputTokens ?? 256;
  const random = settings.random ?? systemRandom;
  const price = (c: Candidate): Price | undefined => prices.of(c.deployment);
  return {
    name: 'lowest-cost',
    needs: [],
    order(candidates, input: OrderInput) {
      const promptTokens = estimatePromptTokens(input.request);
      const outputTokens = requestedOutputTokens(input.request) ?? expected;
      return byScore(candidates, (c) => {
        const p = price(c);
        // A price without token figures (per image, per minute) prices no chat call: unknown, last.
        return p?.input === undefined || p.output === undefined ? Infinity : (promptTokens * p.input + outputTokens * p.output) / 1e6;
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

/** The shipped table, under the name this plugin exported before the table moved to core/pricing. */
export { shippedPrices as defaultPrices, priceOf, type Price } from 'switchyard';
