import { expect, test } from 'vitest';
import { roundRobinStrategy } from '../../../../plugins/routing/round-robin/index.ts';
import { candidate, chatInput, ids } from '../../../helpers/candidates.ts';

test('round-robin: each decision starts one further along, the rest follow as fallbacks', () => {
  const s = roundRobinStrategy();
  const cs = [candidate('a'), candidate('b'), candidate('c')];
  const orders = Array.from({ length: 4 }, () => ids(s.order(cs, chatInput())));
  expect(orders).toEqual([['a', 'b', 'c'], ['b', 'c', 'a'], ['c', 'a', 'b'], ['a', 'b', 'c']]);
  // Over 2,000 decisions the load is exactly even.
  const firsts: Record<string, number> = { a: 0, b: 0, c: 0 };
  for (let i = 0; i < 2001; i++) firsts[s.order(cs, chatInput())[0]!.deployment.id]!++;
  expect(Object.values(firsts)).toEqual([667, 667, 667]);
});
