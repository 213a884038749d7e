import { expect, test } from 'vitest';
import { leastBusyStrategy } from '../../../../plugins/routing/least-busy/index.ts';
import { candidate, chatInput, ids } from '../../../helpers/candidates.ts';
import { seededRandom } from '../../../helpers/clock.ts';

test('least-busy: fewest in flight first; ties split evenly', () => {
  const s = leastBusyStrategy(seededRandom(1));
  expect(ids(s.order([candidate('a', {}, { inFlight: 5 }), candidate('b', {}, { inFlight: 1 }), candidate('c', {}, { inFlight: 3 })], chatInput()))).toEqual(['b', 'c', 'a']);
  let a = 0;
  const tied = [candidate('a', {}, { inFlight: 2 }), candidate('b', {}, { inFlight: 2 })];
  for (let i = 0; i < 2000; i++) if (s.order(tied, chatInput())[0]!.deployment.id === 'a') a++;
  expect(Math.abs(a / 2000 - 0.5)).toBeLessThan(0.05);
});
