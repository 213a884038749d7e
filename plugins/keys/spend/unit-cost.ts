import { isForwardOperation, tokenParts, type ForwardOperation, type ForwardUnits, type Price, type Usage } from 'switchyard';
import type { NanoUsd } from '../store/types.ts';
import { costNanoUsd, nanoPerMillion } from './cost.ts';

/** A USD figure per unit as integer nano-USD per unit (the one rounding a per-unit price gets). */
const nano = (usd: number | undefined): bigint | undefined => nanoPerMillion(usd);

const tokensPerMillion = 1_000_000n;

/** `units × perUnit` nano-USD, the units maybe fractional (seconds), rounded once. */
function times(units: number, perUnit: bigint, per = 1): NanoUsd {
  return Math.round((units * Number(perUnit)) / per);
}

/**
 * A per-image figure for a size and quality: `perImage` as one number, else by `quality/size`,
 * then `size` (a request without `size` asks for 1024x1024, dall-e-2's and dall-e-3's default).
 * Undefined when neither key is priced (gpt-image-1's `auto` size): an unknown cost, never $0.
 */
export function perImageUsd(price: Price, size: string | undefined, quality: string | undefined): number | undefined {
  const perImage = price.perImage;
  if (perImage === undefined || typeof perImage === 'number') return perImage;
  const s = size ?? '1024x1024';
  const pick = (key: string): number | undefined => (Object.hasOwn(perImage, key) ? perImage[key] : undefined);
  return (quality === undefined ? undefined : pick(`${quality}/${s}`)) ?? pick(s);
}

/**
 * Tokens priced as `costNanoUsd` does, the image or audio prompt tokens at their own rate
 * (`imageInput`, `audioInput`): gpt-image-1 edits, gpt-4o-transcribe's audio.
 */
function tokenCost(usage: Usage, mediaTokens: number | undefined, mediaRate: number | undefined, price: Price): NanoUsd | null {
  const base = costNanoUsd(usage, price);
  const media = mediaTokens ?? 0;
  if (base === null || media <= 0) return base;
  const input = nanoPerMillion(price.input) as bigint;
  const rate = nanoPerMillion(mediaRate);
  if (rate === undefined) return null;
  // Media tokens were priced as plain input above; only uncached ones are moved to their rate.
  const moved = BigInt(Math.min(media, tokenParts(usage).input));
  const delta = moved * (rate - input);
  return base + Number((delta + (delta >= 0n ? tokensPerMillion / 2n : -tokensPerMillion / 2n)) / tokensPerMillion);
}

/**
 * The cost of a served forwarded call in integer nano-USD, or `null` when it cannot be known (no
 * price, or the unit the price needs was not measured). Never a guessed $0: moderations cost 0
 * because their price says so.
 *
 * - images: the answer's token `usage` when the price is an image model's token price (has
 *   `imageInput`: gpt-image-1), else images × `perImage` (by quality and size);
 * - speech: characters × `perMillionCharacters` / 1M;
 * - transcriptions and translations: the answer's token usage when priced by tokens (the price
 *   has `audioInput`), else its
 *   seconds × `perMinute` / 60 (whisper-1's `usage.seconds` or verbose_json's `duration`; a
 *   `text`, `srt` or `vtt` answer says neither, so its cost is unknown);
 * - rerank: searches × `perSearch`;
 * - moderations: requests × `perRequest`.
 *
 * @example
 * forwardCostNanoUsd('images', undefined, { images: 2, size: '1024x1792', quality: 'hd' }, shippedPrices['dall-e-3']); // 240_000_000 ($0.24)
 * forwardCostNanoUsd('transcriptions', undefined, { seconds: 90 }, { perMinute: 0.006 }); // 9_000_000 ($0.009)
 */
export function forwardCostNanoUsd(operation: ForwardOperation, usage: Usage | undefined, units: ForwardUnits | undefined, price: Price | undefined): NanoUsd | null {
  if (price === undefined) return null;
  const u = units ?? {};
  const tokenPriced = usage !== undefined && price.input !== undefined && price.output !== undefined;
  switch (operation) {
    case 'images': {
      if (tokenPriced && price.imageInput !== undefined) return tokenCost(usage, u.imageInputTokens, price.imageInput, price);
      const each = nano(perImageUsd(price, u.size, u.quality));
      return each === undefined || u.images === undefined ? null : times(u.images, each);
    }
    case 'speech': {
      const perMillion = nano(price.perMillionCharacters);
      return perMillion === undefined || u.characters === undefined ? null : times(u.characters, perMillion, 1_000_000);
    }
    case 'transcriptions': {
      if (tokenPriced && price.audioInput !== undefined) return tokenCost(usage, u.audioInputTokens, price.audioInput, price);
      const perMinute = nano(price.perMinute);
      return perMinute === undefined || u.seconds === undefined ? null : times(u.seconds, perMinute, 60);
    }
    case 'rerank': {
      const perSearch = nano(price.perSearch);
      return perSearch === undefined || u.searches === undefined ? null : times(u.searches, perSearch);
    }
    case 'moderations': {
      const perRequest = nano(price.perRequest);
      return perRequest === undefined ? null : times(u.requests ?? 1, perRequest);
    }
  }
}

/**
 * The cost of a finished call's answer, as the spend log prices it, for the metrics counter and
 * trace attributes: a forwarded call by its units (once served: `units` set), any other by its
 * token usage; undefined when there is nothing to price, null when the price is unknown.
 *
 * @example
 * const cost = answerCostNanoUsd(ctx, prices.of(deployment)); // nano-USD | null | undefined
 */
export function answerCostNanoUsd(
  ctx: { readonly operation: string; readonly usage: Usage | undefined; readonly units: ForwardUnits | undefined },
  price: Price | undefined,
): NanoUsd | null | undefined {
  if (isForwardOperation(ctx.operation)) return ctx.units === undefined ? undefined : forwardCostNanoUsd(ctx.operation, ctx.usage, ctx.units, price);
  return ctx.usage === undefined ? undefined : costNanoUsd(ctx.usage, price);
}

/**
 * Whether a price has a figure for a forwarded operation's unit (a name match may find a chat
 * price for `gpt-4o-mini-tts`, which prices no speech): `pricing: 'deny'` refuses the rest.
 */
export function pricesOperation(price: Price, operation: ForwardOperation): boolean {
  switch (operation) {
    case 'images':
      return price.perImage !== undefined || (price.imageInput !== undefined && price.input !== undefined && price.output !== undefined);
    case 'speech':
      return price.perMillionCharacters !== undefined;
    case 'transcriptions':
      return price.perMinute !== undefined || (price.audioInput !== undefined && price.input !== undefined && price.output !== undefined);
    case 'rerank':
      return price.perSearch !== undefined;
    case 'moderations':
      return price.perRequest !== undefined;
  }
}
