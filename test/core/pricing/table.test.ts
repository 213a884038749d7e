import { expect, test } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { PriceSchema, priceFamilies, priceOf, pricesAsOf, shippedPrices } from 'switchyard';

test('the table is dated, and every family names its source', () => {
  expect(pricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  for (const family of priceFamilies) {
    expect(family.source.length, family.family).toBeGreaterThan(20);
    expect(Object.keys(family.prices).length, family.family).toBeGreaterThan(0);
  }
});

test('a model name is in one family only, and every entry fits the price schema', () => {
  const names = priceFamilies.flatMap((f) => Object.keys(f.prices));
  expect(new Set(names).size).toBe(names.length);
  expect(Object.keys(shippedPrices).sort()).toEqual([...names].sort());
  for (const [name, price] of Object.entries(shippedPrices)) expect(Value.Check(PriceSchema, price), name).toBe(true);
});

test('every Claude entry prices cache writes above input and cache reads below it', () => {
  const anthropic = priceFamilies.find((f) => f.family === 'anthropic');
  expect(Object.keys(anthropic?.prices ?? {}).length).toBeGreaterThan(5);
  for (const [name, p] of Object.entries(anthropic?.prices ?? {})) {
    expect(p.cacheWrite, name).toBeGreaterThan(p.input as number);
    expect(p.cachedInput, name).toBeLessThan(p.input as number);
  }
});

test('real upstream names resolve to the intended entries', () => {
  const cases: [string, string, string][] = [
    ['anthropic', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4'],
    ['anthropic', 'claude-opus-4-1-20250805', 'claude-opus-4'],
    ['anthropic', 'claude-opus-4-5-20251101', 'claude-opus-4-5'],
    ['anthropic', 'claude-3-5-haiku-latest', 'claude-3-5-haiku'],
    ['bedrock', 'global.anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5'],
    ['gemini', 'gemini-2.5-flash-lite-preview-06-17', 'gemini-2.5-flash-lite'],
    ['gemini', 'gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['openai', 'o1-mini-2024-09-12', 'o1-mini'],
    ['openai', 'gpt-4.1-mini-2025-04-14', 'gpt-4.1-mini'],
  ];
  for (const [provider, model, key] of cases) expect(priceOf(shippedPrices, provider, model), model).toBe(shippedPrices[key]);
});
