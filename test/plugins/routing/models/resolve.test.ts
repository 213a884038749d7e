import { describe, expect, test } from 'vitest';
import { planDeployments, resolveGroups, splitProviderModel } from '../../../../plugins/routing/models/resolve.ts';

describe('model groups', () => {
  const groups = resolveGroups(
    [
      { name: 'a', deployments: [{ provider: 'openai', model: 'x', timeout: 5 }, { provider: 'groq', model: 'y' }], fallbacks: ['b'], timeout: 9 },
      { name: 'b', deployments: [{ provider: 'anthropic', model: 'z' }], fallbacks: ['a'], dropUnsupportedParams: true },
    ],
    { maxAttempts: 4, timeout: 100 },
  );

  test('settings inherit deployment ← group ← global', () => {
    const a = groups.get('a')!;
    expect(a.deployments.map((d) => [d.id, d.timeoutMs])).toEqual([['a#0', 5], ['a#1', 9]]);
    expect(groups.get('b')!.deployments[0]).toMatchObject({ timeoutMs: 100, dropUnsupportedParams: true });
    expect(a.maxAttempts).toBe(4);
  });

  test('fallback groups follow, each once, so cycles end', () => {
    expect(planDeployments(groups, groups.get('a')!).map((d) => d.id)).toEqual(['a#0', 'a#1', 'b#0']);
    expect(planDeployments(groups, groups.get('b')!).map((d) => d.id)).toEqual(['b#0', 'a#0', 'a#1']);
  });
});

test('provider/model splits at the first slash only', () => {
  expect(splitProviderModel('openrouter/anthropic/claude-3.5-sonnet')).toEqual({ provider: 'openrouter', model: 'anthropic/claude-3.5-sonnet' });
  expect(splitProviderModel('gpt-4o')).toBeUndefined();
  expect(splitProviderModel('/x')).toBeUndefined();
  expect(splitProviderModel('x/')).toBeUndefined();
});
