import { describe, expect, test } from 'vitest';
import { weightedStrategy } from '../../../../plugins/routing/weighted/index.ts';
import { candidate, chatInput, ids } from '../../../helpers/candidates.ts';
import { seededRandom } from '../../../helpers/clock.ts';

describe('weighted', () => {
  test('weights 3:1 put the heavier deployment first 75% ± 5% of 2,000 decisions', () => {
    const strategy = weightedStrategy(seededRandom(42));
    const cs = [candidate('a', { weight: 3 }), candidate('b', { weight: 1 })];
    let first = 0;
    for (let i = 0; i < 2000; i++) if (strategy.order(cs, chatInput())[0]?.deployment.id === 'a') first++;
    expect(first / 2000).toBeGreaterThan(0.7);
    expect(first / 2000).toBeLessThan(0.8);
  });

  test('equal default weights shuffle: each of 3 first about a third of the time, every order complete', () => {
    const strategy = weightedStrategy(seededRandom(7));
    const cs = [candidate('a'), candidate('b'), candidate('c')];
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 3000; i++) {
      const order = ids(strategy.order(cs, chatInput()));
      expect([...order].sort()).toEqual(['a', 'b', 'c']);
      counts[order[0] as string]!++;
    }
    for (const n of Object.values(counts)) expect(Math.abs(n / 3000 - 1 / 3)).toBeLessThan(0.05);
  });

  test('exact order for a fixed random source', () => {
    const draws = [0.9, 0.1];
    const strategy = weightedStrategy(() => draws.shift() ?? 0);
    // 0.9 × 4 = 3.6 falls past a's 3 → b first; then a.
    expect(ids(strategy.order([candidate('a', { weight: 3 }), candidate('b', { weight: 1 })], chatInput()))).toEqual(['b', 'a']);
  });
});
