import { expect, test } from 'vitest';
import { lowestLatencyStrategy } from '../../../../plugins/routing/lowest-latency/index.ts';
import { candidate, ids } from '../../../helpers/candidates.ts';
import { seededRandom } from '../../../helpers/clock.ts';

test('lowest-latency: whole-call average for calls, time to first token for streams, unmeasured first', () => {
  const s = lowestLatencyStrategy(seededRandom(1));
  const cs = [
    candidate('fast-total', {}, { latencyMs: 100, ttftMs: 90 }),
    candidate('fast-ttft', {}, { latencyMs: 400, ttftMs: 20 }),
    candidate('slow', {}, { latencyMs: 900, ttftMs: 500 }),
  ];
  const request = { model: 'g', messages: [] } as never;
  expect(ids(s.order(cs, { request, stream: false }))).toEqual(['fast-total', 'fast-ttft', 'slow']);
  expect(ids(s.order(cs, { request, stream: true }))).toEqual(['fast-ttft', 'fast-total', 'slow']);
  expect(ids(s.order([...cs, candidate('new')], { request, stream: false }))[0]).toBe('new');
});
