import { describe, expect, test } from 'vitest';
import { PriceBook, requestUnits } from 'switchyard';
import { reservedForwardCost } from '../../../plugins/keys/cost-estimate.ts';
import { hasUnpriced } from '../../../plugins/keys/model-prices.ts';

const book = new PriceBook();
const of = (model: string) => book.of({ provider: 'openai', model });

describe('budgetMode reserve: a forwarded call reserves the units its request names', () => {
  test('images × n at the dearest candidate, by size and quality', () => {
    const units = requestUnits('images', { model: 'x', n: 2, size: '1024x1792', quality: 'hd' });
    expect(reservedForwardCost('images', units, [of('dall-e-3')])).toBe(240_000_000);
    expect(reservedForwardCost('images', requestUnits('images', { n: 3 }), [of('dall-e-2'), of('dall-e-3')])).toBe(120_000_000);
  });

  test('speech characters, rerank searches; nothing for transcriptions, uploads and unpriced models', () => {
    expect(reservedForwardCost('speech', requestUnits('speech', { input: 'a'.repeat(1000) }), [of('tts-1'), of('tts-1-hd')])).toBe(30_000_000);
    expect(reservedForwardCost('rerank', requestUnits('rerank', { documents: Array(250).fill('d') }), [book.of({ provider: 'cohere', model: 'rerank-v3.5' })])).toBe(6_000_000);
    expect(reservedForwardCost('transcriptions', requestUnits('transcriptions', { model: 'whisper-1' }), [of('whisper-1')])).toBe(0);
    expect(reservedForwardCost('images', requestUnits('images', { model: 'dall-e-2' }, true), [of('dall-e-2')])).toBe(0);
    expect(reservedForwardCost('images', requestUnits('images', { n: 1 }), [undefined])).toBe(0);
  });
});

describe("pricing: 'deny' for forwarded calls", () => {
  test('a price without a figure for the operation counts as none', () => {
    expect(hasUnpriced([of('dall-e-3')], 'images')).toBe(false);
    expect(hasUnpriced([of('gpt-image-1')], 'images')).toBe(false);
    expect(hasUnpriced([of('omni-moderation-latest')], 'moderations')).toBe(false);
    expect(hasUnpriced([of('whisper-1')], 'transcriptions')).toBe(false);
    // gpt-4o-mini-tts matches gpt-4o-mini's chat price by name: no per-character figure.
    expect(hasUnpriced([of('gpt-4o-mini-tts')], 'speech')).toBe(true);
    expect(hasUnpriced([of('gpt-4o-transcribe')], 'transcriptions')).toBe(true);
    expect(hasUnpriced([of('gpt-4o-mini-tts')], 'chat')).toBe(false);
  });
});
