import { describe, expect, test } from 'vitest';
import { PriceBook, shippedPrices, type Price } from 'switchyard';
import { answerCostNanoUsd, forwardCostNanoUsd, perImageUsd } from '../../../../plugins/keys/spend/unit-cost.ts';

const book = new PriceBook();
const price = (provider: string, model: string): Price | undefined => book.of({ provider, model });

describe('images', () => {
  test('dall-e-3 per image by size and quality; n images cost n times one', () => {
    const dalle3 = price('openai', 'dall-e-3');
    const cases: [string | undefined, string | undefined, number][] = [
      [undefined, undefined, 40_000_000],
      ['1024x1024', 'standard', 40_000_000],
      ['1024x1792', undefined, 80_000_000],
      ['1792x1024', 'standard', 80_000_000],
      ['1024x1024', 'hd', 80_000_000],
      ['1024x1792', 'hd', 120_000_000],
      ['1792x1024', 'hd', 120_000_000],
    ];
    for (const [size, quality, nano] of cases) {
      expect(forwardCostNanoUsd('images', undefined, { images: 1, size, quality }, dalle3), `${size} ${quality}`).toBe(nano);
      expect(forwardCostNanoUsd('images', undefined, { images: 3, size, quality }, dalle3)).toBe(3 * nano);
    }
  });

  test('dall-e-2 by size; a dated name finds the same entry', () => {
    const dalle2 = price('openai', 'dall-e-2');
    expect(forwardCostNanoUsd('images', undefined, { images: 2, size: '256x256' }, dalle2)).toBe(32_000_000);
    expect(forwardCostNanoUsd('images', undefined, { images: 1, size: '512x512' }, dalle2)).toBe(18_000_000);
    expect(forwardCostNanoUsd('images', undefined, { images: 1 }, dalle2)).toBe(20_000_000);
    expect(price('azure', 'dall-e-2-2023-11-01')).toBe(dalle2);
  });

  test('a size the table does not price, or no image count: unknown (null), never $0', () => {
    const dalle3 = price('openai', 'dall-e-3');
    expect(forwardCostNanoUsd('images', undefined, { images: 1, size: '512x512' }, dalle3)).toBeNull();
    expect(forwardCostNanoUsd('images', undefined, { size: '1024x1024' }, dalle3)).toBeNull();
    expect(forwardCostNanoUsd('images', undefined, { images: 1 }, undefined)).toBeNull();
  });

  test('perImage as one figure, and by quality/size before size', () => {
    expect(perImageUsd({ perImage: 0.05 }, '9x9', 'ultra')).toBe(0.05);
    const p: Price = { perImage: { '1024x1024': 0.01, 'high/1024x1024': 0.2 } };
    expect(perImageUsd(p, undefined, 'high')).toBe(0.2);
    expect(perImageUsd(p, '1024x1024', 'low')).toBe(0.01);
    expect(perImageUsd(p, 'auto', undefined)).toBeUndefined();
  });

  test("gpt-image-1: the answer's usage tokens, image prompt tokens at the image input rate", () => {
    const gptImage = price('openai', 'gpt-image-1');
    // 50 text + 200 image prompt tokens, 4160 output: 50×5 + 200×10 + 4160×40 per M = $0.16865
    const usage = { prompt_tokens: 250, completion_tokens: 4160, total_tokens: 4410 };
    expect(forwardCostNanoUsd('images', usage, { images: 1, imageInputTokens: 200 }, gptImage)).toBe(168_650_000);
    // Generation only: no image prompt tokens.
    expect(forwardCostNanoUsd('images', { prompt_tokens: 50, completion_tokens: 4160, total_tokens: 4210 }, { images: 1 }, gptImage)).toBe(166_650_000);
    // Without usage, gpt-image-1 has no per-image figure here: unknown.
    expect(forwardCostNanoUsd('images', undefined, { images: 1, size: '1024x1024', quality: 'high' }, gptImage)).toBeNull();
  });
});

describe('audio', () => {
  test('speech: characters × USD per million characters (tts-1 $15, tts-1-hd $30)', () => {
    expect(forwardCostNanoUsd('speech', undefined, { characters: 1000 }, price('openai', 'tts-1'))).toBe(15_000_000);
    expect(forwardCostNanoUsd('speech', undefined, { characters: 1000 }, price('openai', 'tts-1-hd'))).toBe(30_000_000);
    expect(forwardCostNanoUsd('speech', undefined, { characters: 7 }, price('openai', 'tts-1-1106'))).toBe(105_000);
    expect(price('openai', 'tts-1-hd-1106')).toBe(shippedPrices['tts-1-hd']);
    expect(forwardCostNanoUsd('speech', undefined, {}, price('openai', 'tts-1'))).toBeNull();
    // Billed by audio tokens the speech answer does not report: its name matches gpt-4o-mini's chat
    // price, which has no per-character figure, so its cost stays unknown.
    expect(forwardCostNanoUsd('speech', undefined, { characters: 100 }, price('openai', 'gpt-4o-mini-tts'))).toBeNull();
  });

  test('transcriptions: seconds × USD per minute / 60 (whisper-1 $0.006); no seconds: null', () => {
    const whisper = price('openai', 'whisper-1');
    expect(forwardCostNanoUsd('transcriptions', undefined, { seconds: 3 }, whisper)).toBe(300_000);
    expect(forwardCostNanoUsd('transcriptions', undefined, { seconds: 90 }, whisper)).toBe(9_000_000);
    expect(forwardCostNanoUsd('transcriptions', undefined, { seconds: 8.47 }, whisper)).toBe(847_000);
    expect(forwardCostNanoUsd('transcriptions', undefined, {}, whisper)).toBeNull();
    expect(forwardCostNanoUsd('transcriptions', undefined, undefined, whisper)).toBeNull();
  });

  test('transcriptions priced by tokens only with an audioInput rate; a chat price matched by name prices nothing', () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 };
    // 200 text × 2.5 + 800 audio × 6 + 100 × 10 per M
    expect(forwardCostNanoUsd('transcriptions', usage, { audioInputTokens: 800 }, { input: 2.5, audioInput: 6, output: 10 })).toBe(6_300_000);
    expect(price('openai', 'gpt-4o-transcribe')).toBe(shippedPrices['gpt-4o']);
    expect(forwardCostNanoUsd('transcriptions', usage, { audioInputTokens: 800 }, price('openai', 'gpt-4o-transcribe'))).toBeNull();
  });
});

describe('moderations and rerank', () => {
  test('moderations are free: 0, a real price, not null; an unknown moderation model is null', () => {
    for (const model of ['omni-moderation-latest', 'omni-moderation-2024-09-26', 'text-moderation-latest', 'text-moderation-007']) {
      expect(forwardCostNanoUsd('moderations', undefined, { requests: 1 }, price('openai', model)), model).toBe(0);
    }
    expect(forwardCostNanoUsd('moderations', undefined, { requests: 1 }, price('openai', 'my-moderator'))).toBeNull();
  });

  test('rerank: searches × USD per search (Cohere v3 and 3.5: $0.002)', () => {
    expect(forwardCostNanoUsd('rerank', undefined, { searches: 1 }, price('cohere', 'rerank-v3.5'))).toBe(2_000_000);
    expect(forwardCostNanoUsd('rerank', undefined, { searches: 3 }, price('cohere', 'rerank-english-v3.0'))).toBe(6_000_000);
    expect(forwardCostNanoUsd('rerank', undefined, { searches: 1 }, price('cohere', 'rerank-multilingual-v3.0'))).toBe(2_000_000);
    expect(price('cohere', 'rerank-english-v2.0')).toBeUndefined();
  });
});

describe('overrides and the shared cost function', () => {
  test("a deployment's price beats the table, in the same shape", () => {
    const own: Price = { perImage: 0.5 };
    expect(book.of({ provider: 'openai', model: 'dall-e-3', price: own })).toBe(own);
    expect(forwardCostNanoUsd('images', undefined, { images: 2 }, own)).toBe(1_000_000_000);
    const overridden = new PriceBook({ 'whisper-1': { perMinute: 0.012 } });
    expect(forwardCostNanoUsd('transcriptions', undefined, { seconds: 30 }, overridden.of({ provider: 'openai', model: 'whisper-1' }))).toBe(6_000_000);
  });

  test('answerCostNanoUsd: forwarded calls by units once served, others by tokens', () => {
    const dalle3 = price('openai', 'dall-e-3');
    expect(answerCostNanoUsd({ operation: 'images', usage: undefined, units: { images: 1 } }, dalle3)).toBe(40_000_000);
    expect(answerCostNanoUsd({ operation: 'images', usage: undefined, units: undefined }, dalle3)).toBeUndefined();
    const usage = { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 };
    expect(answerCostNanoUsd({ operation: 'chat', usage, units: undefined }, price('openai', 'gpt-4o'))).toBe(3_500_000);
    expect(answerCostNanoUsd({ operation: 'chat', usage: undefined, units: undefined }, price('openai', 'gpt-4o'))).toBeUndefined();
    // A per-unit price prices no tokens: a chat call to it costs an unknown amount.
    expect(answerCostNanoUsd({ operation: 'chat', usage, units: undefined }, dalle3)).toBeNull();
  });
});
