import { expect, test } from 'vitest';
import { DeploymentRates, RequestRate } from '../../../plugins/admin-ui/request-rate.ts';

const T = 1_773_835_200_000; // a whole second

test('per second over the 60 whole seconds before now; the last minute counts the current second too', () => {
  const rate = new RequestRate();
  rate.record(T, false);
  rate.record(T + 999, true);
  rate.record(T + 30_000, false);
  rate.record(T + 59_500, false);
  rate.record(T + 60_100, true);
  const snap = rate.snapshot(T + 60_500);
  expect(snap).toMatchObject({ total: 5, failed_total: 2, last_minute: 3, failed_last_minute: 1 });
  expect(snap.per_second).toHaveLength(60);
  expect(snap.per_second[0]).toBe(2);
  expect(snap.per_second[30]).toBe(1);
  expect(snap.per_second[59]).toBe(1);
  expect(snap.per_second.reduce((a, b) => a + b, 0)).toBe(4);
  // Seconds T … T+59 are the last minute one second earlier.
  expect(rate.snapshot(T + 59_000)).toMatchObject({ last_minute: 4, failed_last_minute: 1 });
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
  expect(rate.snapshot(T + 3_600_000).last_minute).toBe(0);
});

test('per deployment: attempts and failures in the last minute; an unknown deployment reads 0', () => {
  const rates = new DeploymentRates();
  rates.record('a#0', T, false);
  rates.record('a#0', T + 1_000, true);
  rates.record('b#0', T - 90_000, false);
  expect(rates.lastMinute('a#0', T + 1_000)).toEqual({ attempts: 2, failed: 1 });
  expect(rates.lastMinute('b#0', T + 2_000)).toEqual({ attempts: 0, failed: 0 });
  expect(rates.lastMinute('nope', T)).toEqual({ attempts: 0, failed: 0 });
});
