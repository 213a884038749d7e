import { expect, test } from 'vitest';
import { RequestRate } from '../../../plugins/admin-ui/request-rate.ts';

const T = 1_773_835_200_000; // a whole second

test('counts per second over the last 60 whole seconds, the current second left out', () => {
  const rate = new RequestRate();
  rate.record(T, false);
  rate.record(T + 999, true);
  rate.record(T + 30_000, false);
  rate.record(T + 59_500, false);
  const snap = rate.snapshot(T + 60_000);
  expect(snap).toMatchObject({ total: 4, failed_total: 1, last_minute: 4, failed_last_minute: 1 });
  expect(snap.per_second).toHaveLength(60);
  expect(snap.per_second[0]).toBe(2);
  expect(snap.per_second[30]).toBe(1);
  expect(snap.per_second[59]).toBe(1);
  expect(rate.snapshot(T + 59_000).per_second.at(-1)).toBe(0);
});

test('old seconds fall out, and a slot reused after a minute starts from zero', () => {
  const rate = new RequestRate();
  rate.record(T, true);
  rate.record(T, false);
  expect(rate.snapshot(T + 61_000)).toMatchObject({ last_minute: 0, failed_last_minute: 0, total: 2, failed_total: 1 });
  // T + 61 s lands in the same ring slot as T.
  rate.record(T + 61_000, false);
  const snap = rate.snapshot(T + 62_000);
  expect(snap.last_minute).toBe(1);
  expect(snap.failed_last_minute).toBe(0);
  expect(snap.per_second.reduce((a, b) => a + b, 0)).toBe(1);
  // Idle for an hour: every second reads 0.
  expect(rate.snapshot(T + 3_600_000).per_second.every((n) => n === 0)).toBe(true);
});
