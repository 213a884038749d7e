import { expect, test } from 'vitest';
import { lowestCostStrategy, priceOf, defaultPrices } from '../../../../plugins/routing/lowest-cost/index.ts';
import { candidate, chatInput, ids } from '../../../helpers/candidates.ts';
import { seededRandom } from '../../../helpers/clock.ts';

test('lowest-cost: cheapest expected call first, unknown prices last, config overrides the table', () => {
  const s = lowestCostStrategy({ random: seededRandom(1) });
  const cs = [candidate('4o', { model: 'gpt-4o-2024-08-06' }), candidate('mystery', { model: 'house-model' }), candidate('mini', { model: 'gpt-4o-mini' })];
  expect(ids(s.order(cs, chatInput()))).toEqual(['mini', '4o', 'mystery']);
  const overridden = lowestCostStrategy({ prices: { 'house-model': { input: 0.01, output: 0.01 } }, random: seededRandom(1) });
  expect(ids(overridden.order(cs, chatInput()))).toEqual(['mystery', 'mini', '4o']);
});

test('output-heavy requests weigh output prices: max_tokens counts', () => {
  // Input-cheap, output-dear vs the reverse.
  const s = lowestCostStrategy({ prices: { inCheap: { input: 0.1, output: 20 }, outCheap: { input: 5, output: 1 } }, random: seededRandom(1) });
  const cs = [candidate('in', { model: 'inCheap' }), candidate('out', { model: 'outCheap' })];
  expect(ids(s.order(cs, chatInput('x'.repeat(40_000), { max_tokens: 1 })))).toEqual(['in', 'out']);
  expect(ids(s.order(cs, chatInput('x', { max_tokens: 4000 })))).toEqual(['out', 'in']);
});

test('price lookup: provider/model, exact, then longest prefix', () => {
  expect(priceOf(defaultPrices, 'openai', 'gpt-4o-mini-2024-07-18')).toEqual(defaultPrices['gpt-4o-mini']);
  expect(priceOf({ 'azure/gpt-4o': { input: 1, output: 1 }, ...defaultPrices }, 'azure', 'gpt-4o')).toEqual({ input: 1, output: 1 });
});

test("a deployment's own price beats the plugin's prices and the shipped table", () => {
  const s = lowestCostStrategy({ prices: { 'gpt-4o-mini': { input: 100, output: 100 } }, random: seededRandom(1) });
  // gpt-4o-mini is dear by the plugin option; the gpt-4o deployment is dearer still by the table,
  // until its own price makes it the cheapest.
  const cs = [candidate('4o', { model: 'gpt-4o' }), candidate('mini', { model: 'gpt-4o-mini' })];
  expect(ids(s.order(cs, chatInput()))).toEqual(['4o', 'mini']);
  const priced = [candidate('4o', { model: 'gpt-4o', price: { input: 1000, output: 1000 } }), candidate('mini', { model: 'gpt-4o-mini' })];
  expect(ids(s.order(priced, chatInput()))).toEqual(['mini', '4o']);
});
