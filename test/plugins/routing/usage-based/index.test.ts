import { expect, test } from 'vitest';
import { usageBasedStrategy } from '../../../../plugins/routing/usage-based/index.ts';
import { candidate, chatInput, ids } from '../../../helpers/candidates.ts';
import { seededRandom } from '../../../helpers/clock.ts';

test('usage-based: most rpm/tpm headroom first (the tighter limit counts)', () => {
  const s = usageBasedStrategy(seededRandom(1));
  const cs = [
    candidate('half-rpm', { rpm: 100, tpm: 100_000 }, { usage: { requests: 50, tokens: 1_000 } }),
    candidate('tokens-tight', { rpm: 100, tpm: 10_000 }, { usage: { requests: 1, tokens: 9_000 } }),
    candidate('idle', { rpm: 100, tpm: 100_000 }, { usage: { requests: 10, tokens: 10_000 } }),
  ];
  expect(ids(s.order(cs, chatInput()))).toEqual(['idle', 'half-rpm', 'tokens-tight']);
});
