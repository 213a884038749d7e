import { expect, test } from 'vitest';
import { ConfigError, type GatewayConfig } from 'switchyard';
import { resolveConfig } from '../../../core/config/load.ts';
import { resolveGroups } from '../../../plugins/routing/models/resolve.ts';

async function problemsOf(config: unknown): Promise<string[]> {
  try {
    await resolveConfig(config as GatewayConfig);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => p.path);
    throw err;
  }
  return [];
}

const withPrice = (price: unknown) => ({ plugins: [], models: [{ name: 'm', deployments: [{ provider: 'openai', model: 'house', price }] }] });

test("a deployment's price is validated by the config schema", async () => {
  expect(await problemsOf(withPrice({ input: 1, output: 2, cachedInput: 0.1, cacheWrite: 1.25, reasoning: 3 }))).toEqual([]);
  expect(await problemsOf(withPrice({ input: 1 }))).toEqual(['models[0].deployments[0].price']); // input without output
  expect(await problemsOf(withPrice({ input: -1, output: 2 }))).toEqual(['models[0].deployments[0].price.input']);
  expect(await problemsOf(withPrice({ input: 1, output: 2, cached: 1 }))).toEqual(['models[0].deployments[0].price.cached']);
  // Forwarded operations' units, without token figures.
  expect(await problemsOf(withPrice({ perImage: 0.04 }))).toEqual([]);
  expect(await problemsOf(withPrice({ perImage: { '1024x1024': 0.04, 'hd/1024x1024': 0.08 } }))).toEqual([]);
  expect(await problemsOf(withPrice({ perMillionCharacters: 15 }))).toEqual([]);
  expect(await problemsOf(withPrice({ perMinute: 0.006 }))).toEqual([]);
  expect(await problemsOf(withPrice({ perSearch: 0.002 }))).toEqual([]);
  expect(await problemsOf(withPrice({ perRequest: 0 }))).toEqual([]);
  expect(await problemsOf(withPrice({ input: 5, output: 40, imageInput: 10 }))).toEqual([]);
  expect(await problemsOf(withPrice({ perImage: { '1024x1024': -1 } }))).toContain('models[0].deployments[0].price.perImage.1024x1024');
  expect(await problemsOf(withPrice({ perMinute: -0.006 }))).toEqual(['models[0].deployments[0].price.perMinute']);
  expect((await problemsOf(withPrice({}))).length).toBe(1);
});

test('the price reaches the resolved deployment, frozen', () => {
  const groups = resolveGroups([{ name: 'm', deployments: [{ provider: 'openai', model: 'house', price: { input: 1, output: 2 } }] }], {});
  const d = groups.get('m')?.deployments[0];
  expect(d?.price).toEqual({ input: 1, output: 2 });
  expect(Object.isFrozen(d?.price)).toBe(true);
});
