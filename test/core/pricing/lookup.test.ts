import { describe, expect, test } from 'vitest';
import { PriceBook, priceOf, shippedPrices, type PriceTable } from 'switchyard';

const table: PriceTable = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4': { input: 30, output: 60 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'amazon.titan-embed-text-v2': { input: 0.02, output: 0 },
  'azure/gpt-4o': { input: 5, output: 15 },
};

describe('priceOf: which name prices a model', () => {
  test('exact names: provider/model first, then the bare model', () => {
    expect(priceOf(table, 'azure', 'gpt-4o')).toEqual({ input: 5, output: 15 });
    expect(priceOf(table, 'openai', 'gpt-4o')).toEqual({ input: 2.5, output: 10 });
  });

  test('dated and tagged versions take the longest key they extend with -, @ or :', () => {
    expect(priceOf(table, 'openai', 'gpt-4o-mini-2024-07-18')).toEqual({ input: 0.15, output: 0.6 });
    expect(priceOf(table, 'openai', 'gpt-4o-2024-08-06')).toEqual({ input: 2.5, output: 10 });
    expect(priceOf(table, 'openai', 'gpt-4-0613')).toEqual({ input: 30, output: 60 });
    expect(priceOf(table, 'vertex', 'claude-sonnet-4@20250514')).toEqual({ input: 3, output: 15 });
    // A provider-qualified key also prices the dated versions of its model, before the bare key.
    expect(priceOf(table, 'azure', 'gpt-4o-2024-11-20')).toEqual({ input: 5, output: 15 });
  });

  test('a dot never starts a suffix and a bare prefix is no match: gpt-4 does not price gpt-4.5 or gpt-4x', () => {
    expect(priceOf(table, 'openai', 'gpt-4.5-preview')).toBeUndefined();
    expect(priceOf(table, 'openai', 'gpt-4x')).toBeUndefined();
  });

  test('Bedrock ids: region and vendor prefixes are stripped, the vendor-qualified name tried first', () => {
    expect(priceOf(table, 'bedrock', 'us.anthropic.claude-sonnet-4-20250514-v1:0')).toEqual({ input: 3, output: 15 });
    expect(priceOf(table, 'bedrock', 'anthropic.claude-sonnet-4-20250514-v1:0')).toEqual({ input: 3, output: 15 });
    expect(priceOf(table, 'bedrock', 'amazon.titan-embed-text-v2:0')).toEqual({ input: 0.02, output: 0 });
  });

  test('vendor/model names (OpenRouter style) are priced by their last segment', () => {
    expect(priceOf(table, 'openrouter', 'openai/gpt-4o-mini')).toEqual({ input: 0.15, output: 0.6 });
  });

  test('an unknown model has no price (never $0), and names of Object.prototype are not prices', () => {
    expect(priceOf(table, 'openai', 'house-model')).toBeUndefined();
    expect(priceOf(table, 'openai', 'constructor')).toBeUndefined();
    expect(priceOf(table, 'openai', 'toString')).toBeUndefined();
  });

  test('a provider-qualified key for another provider never applies', () => {
    expect(priceOf({ 'azure/house': { input: 1, output: 1 } }, 'openai', 'house')).toBeUndefined();
  });
});

describe('PriceBook: override order', () => {
  test("a deployment's price > the overrides > the shipped table", () => {
    const book = new PriceBook({ 'gpt-4o': { input: 1, output: 2 } });
    expect(book.of({ provider: 'openai', model: 'gpt-4o', price: { input: 9, output: 9 } })).toEqual({ input: 9, output: 9 });
    expect(book.of({ provider: 'openai', model: 'gpt-4o-2024-08-06' })).toEqual({ input: 1, output: 2 });
    expect(book.of({ provider: 'openai', model: 'gpt-4o-mini' })).toEqual(shippedPrices['gpt-4o-mini']);
    expect(book.of({ provider: 'openai', model: 'house-model' })).toBeUndefined();
  });

  test('the most specific key wins across layers: an override of gpt-4o does not reprice gpt-4o-mini', () => {
    const book = new PriceBook({ 'gpt-4o': { input: 1, output: 2 } });
    expect(book.of({ provider: 'openai', model: 'gpt-4o-mini-2024-07-18' })).toEqual(shippedPrices['gpt-4o-mini']);
  });

  test('a remembered lookup answers the same (unknown ones too)', () => {
    const book = new PriceBook();
    const d = { provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' };
    expect(book.of(d)).toBe(book.of(d));
    expect(book.of(d)).toEqual({ input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 });
    expect(book.of({ provider: 'openai', model: 'nope' })).toBeUndefined();
    expect(book.of({ provider: 'openai', model: 'nope' })).toBeUndefined();
  });
});
