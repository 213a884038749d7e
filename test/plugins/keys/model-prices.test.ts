import { describe, expect, test } from 'vitest';
import { PriceBook, type ModelGroup } from 'switchyard';
import { reservedCost } from '../../../plugins/keys/cost-estimate.ts';
import { hasUnpriced, ModelPrices } from '../../../plugins/keys/model-prices.ts';

const table = { 'gpt-4o': { input: 2.5, output: 10 }, 'gpt-4o-mini': { input: 0.15, output: 0.6 }, 'claude-x': { input: 3, output: 15 } };
const models: ModelGroup[] = [
  { name: 'smart', deployments: [{ provider: 'openai', model: 'gpt-4o-mini' }], fallbacks: ['big'] },
  { name: 'big', deployments: [{ provider: 'openai', model: 'gpt-4o' }], fallbacks: ['smart'] },
  { name: 'own', deployments: [{ provider: 'openai', model: 'ft-1', price: { input: 1, output: 1 } }, { provider: 'openai', model: 'ft-2' }] },
];
const providers = {
  has: (id: string) => id === 'openai' || id === 'anthropic',
  claimant: (model: string) => (model.startsWith('claude-') ? ({ id: 'anthropic' } as never) : undefined),
};
const prices = new ModelPrices(new PriceBook({}, table), { models, providers: providers as never });

describe('ModelPrices: every deployment that may answer a requested model', () => {
  test('a group and its fallback chain (cycles end), a deployment price, provider/model and claimed names', () => {
    expect(prices.of('smart')).toEqual([table['gpt-4o-mini'], table['gpt-4o']]);
    expect(prices.of('big')).toEqual([table['gpt-4o'], table['gpt-4o-mini']]);
    expect(prices.of('own')).toEqual([{ input: 1, output: 1 }, undefined]);
    expect(prices.of('openai/gpt-4o')).toEqual([table['gpt-4o']]);
    expect(prices.of('claude-x-2025')).toEqual([table['claude-x']]);
    expect(prices.of('nobody/knows')).toEqual([]);
  });

  test('hasUnpriced: any deployment without a price, or none known', () => {
    expect(hasUnpriced(prices.of('smart'))).toBe(false);
    expect(hasUnpriced(prices.of('own'))).toBe(true);
    expect(hasUnpriced(prices.of('nobody/knows'))).toBe(true);
  });
});

describe('reservedCost: the estimate priced at the dearest candidate, integer nano-USD', () => {
  test('input at the input price, output at the output price, the dearest deployment; unpriced ones skipped', () => {
    // 100 × $2.50/M + 256 × $10/M = 250_000 + 2_560_000 nano-USD
    expect(reservedCost({ input: 100, output: 256 }, prices.of('smart'))).toBe(2_810_000);
    expect(reservedCost({ input: 100, output: 256 }, prices.of('own'))).toBe(356_000);
    expect(reservedCost({ input: 100, output: 256 }, [undefined])).toBe(0);
    expect(reservedCost({ input: 0, output: 0 }, prices.of('big'))).toBe(0);
  });
});
