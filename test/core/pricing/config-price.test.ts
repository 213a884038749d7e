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
  expect(await problemsOf(withPrice({ input: 1 }))).toEqual(['models[0].deployments[0].price.output']);
  expect(await problemsOf(withPrice({ input: -1, output: 2 }))).toEqual(['models[0].deployments[0].price.input']);
  expect(await problemsOf(withPrice({ input: 1, output: 2, cached: 1 }))).toEqual(['models[0].deployments[0].price.cached']);
});

test('the price reaches the resolved deployment, frozen', () => {
  const groups = resolveGroups([{ name: 'm', deployments: [{ provider: 'openai', model: 'house', price: { input: 1, output: 2 } }] }], {});
  const d = groups.get('m')?.deployments[0];
  expect(d?.price).toEqual({ input: 1, output: 2 });
  expect(Object.isFrozen(d?.price)).toBe(true);
});
