import { Type, type Static } from '@sinclair/typebox';

const usdPerMillion = (description: string) => Type.Number({ minimum: 0, description: `USD per million ${description}` });

/**
 * A model's price, USD per million tokens: the shape of the shipped table's entries, of a
 * deployment's `price` field and of the plugins' `prices` options (one schema for all three).
 */
export const PriceSchema = Type.Object(
  {
    input: usdPerMillion('prompt tokens (not read from or written to a cache)'),
    output: usdPerMillion('completion tokens'),
    cachedInput: Type.Optional(usdPerMillion('prompt tokens read from the cache (default: input)')),
    cacheWrite: Type.Optional(usdPerMillion('prompt tokens written to the cache (default: input)')),
    reasoning: Type.Optional(usdPerMillion('reasoning tokens (default: output)')),
  },
  { additionalProperties: false, description: 'USD per million tokens' },
);

/**
 * USD per million tokens. `cachedInput` and `cacheWrite` default to `input`, `reasoning` to
 * `output`, which is what a provider that does not price them apart charges.
 */
export type Price = Readonly<Static<typeof PriceSchema>>;

/** Prices by `model` or `provider/model` (see `priceOf` for how names match). */
export type PriceTable = Readonly<Record<string, Price>>;
