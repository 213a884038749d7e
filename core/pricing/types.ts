import { Type, type Static } from '@sinclair/typebox';

const usdPerMillion = (description: string) => Type.Number({ minimum: 0, description: `USD per million ${description}` });
const usd = (description: string) => Type.Number({ minimum: 0, description: `USD ${description}` });

/**
 * A model's price: the shape of the shipped table's entries, of a deployment's `price` field and
 * of the plugins' `prices` options (one schema for all three). Token prices are USD per million
 * tokens; forwarded operations (images, audio, moderations, rerank) are priced in their own
 * units. An entry has the fields its model is billed by: a chat model `input` and `output`,
 * `dall-e-3` only `perImage`; a call whose unit has no figure costs an unknown amount (`null`).
 */
export const PriceSchema = Type.Object(
  {
    input: Type.Optional(usdPerMillion('prompt tokens (not read from or written to a cache)')),
    output: Type.Optional(usdPerMillion('completion tokens')),
    cachedInput: Type.Optional(usdPerMillion('prompt tokens read from the cache (default: input)')),
    cacheWrite: Type.Optional(usdPerMillion('prompt tokens written to the cache (default: input)')),
    reasoning: Type.Optional(usdPerMillion('reasoning tokens (default: output)')),
    imageInput: Type.Optional(
      usdPerMillion('image prompt tokens of an image call (gpt-image-1); set on an image model priced by tokens, whose usage is priced only then'),
    ),
    audioInput: Type.Optional(
      usdPerMillion('audio prompt tokens of a transcription (gpt-4o-transcribe); set on a transcription model priced by tokens, whose usage is priced only then'),
    ),
    perImage: Type.Optional(
      Type.Union([usd('per image'), Type.Record(Type.String({ minLength: 1 }), usd('per image'))], {
        description: "USD per image: one figure, or by `quality/size` and `size` (`'hd/1024x1792'`, `'1024x1024'`), most specific first",
      }),
    ),
    perMillionCharacters: Type.Optional(usd('per million characters of input text (audio speech)')),
    perMinute: Type.Optional(usd('per minute of audio (transcriptions and translations), billed by the second')),
    perSearch: Type.Optional(usd('per search (rerank: one query over up to 100 documents)')),
    perRequest: Type.Optional(usd('per request (moderations: 0, free)')),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    // A token price is a pair: `input` alone is a typo'd or half-written entry, not a free output.
    dependencies: { input: ['output'], output: ['input'] },
    description: 'USD per million tokens, or per image, character, minute of audio, search or request',
  },
);

/**
 * A model's price. Tokens: `cachedInput` and `cacheWrite` default to `input`, `reasoning` to
 * `output`, which is what a provider that does not price them apart charges; a token price
 * without `input` or `output` prices no tokens. An image or transcription call is priced by its
 * answer's tokens only when its price has `imageInput` or `audioInput` (so `gpt-4o-transcribe`
 * is not priced as `gpt-4o`'s chat tokens by a name match). Units: see `PriceSchema`.
 */
export type Price = Readonly<Static<typeof PriceSchema>>;

/** Prices by `model` or `provider/model` (see `priceOf` for how names match). */
export type PriceTable = Readonly<Record<string, Price>>;
