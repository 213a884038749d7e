import { expect, test } from 'vitest';
import type { SharedState } from 'switchyard';

/** The behaviour every SharedState implementation must have; run against memory and Redis. */
/** Implementations with a connection (Redis) are used once connected. */
async function ready(s: SharedState): Promise<SharedState> {
  const connect = (s as { ready?: () => Promise<boolean> }).ready;
  if (connect !== undefined) await connect.call(s);
  return s;
}

export function sharedStateContract(make: () => SharedState, ids: (name: string) => string): void {
  const t0 = 1_700_000_000_000;

  test('cooldown: open until `until`, then half-open, then expired (closed)', async () => {
    const s = await ready(make());
    const a = ids('a');
    const b = ids('b');
    await s.setCooldown(a, { now: t0, until: t0 + 30_000, reason: 'provider answered 401', halfOpenMs: 60_000 });
    expect(await s.circuits([a, b], t0 + 1)).toEqual([{ state: 'open', until: t0 + 30_000, reason: 'provider answered 401' }, { state: 'closed' }]);
    const listed = await s.listCooldowns(t0 + 1);
    expect(listed).toContainEqual({ deployment: a, state: 'open', until: t0 + 30_000, reason: 'provider answered 401' });
    expect((await s.circuits([a], t0 + 30_000))[0]?.state).toBe('half-open');
    expect((await s.circuits([a], t0 + 90_000))[0]?.state).toBe('closed');
    await s.clearCooldown(a);
    expect((await s.circuits([a], t0 + 1))[0]?.state).toBe('closed');
  });

  test('half-open probe: exactly one claim until its ttl passes', async () => {
    const s = await ready(make());
    const a = ids('probe');
    const claims = await Promise.all([s.claimProbe(a, t0, 5_000), s.claimProbe(a, t0, 5_000), s.claimProbe(a, t0, 5_000)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    await s.setCooldown(a, { now: t0, until: t0 + 1, reason: 'x', halfOpenMs: 10_000 });
    expect(await s.claimProbe(a, t0 + 2, 5_000)).toBe(true);
  });

  test('outcome window counts failures and calls, and restarts with a new window', async () => {
    const s = await ready(make());
    const a = ids('out');
    await s.recordOutcome(a, true, t0, 60_000);
    await s.recordOutcome(a, false, t0 + 1, 60_000);
    expect(await s.recordOutcome(a, true, t0 + 2, 60_000)).toEqual({ failures: 2, total: 3 });
    const nextWindow = t0 - (t0 % 60_000) + 60_000;
    expect(await s.recordOutcome(a, false, nextWindow, 60_000)).toEqual({ failures: 0, total: 1 });
  });

  test('in-flight counts never go below zero', async () => {
    const s = await ready(make());
    const a = ids('busy');
    await Promise.all([s.acquire(a, 60_000), s.acquire(a, 60_000), s.acquire(a, 60_000)]);
    await s.release(a, 60_000);
    expect(await s.inFlight([a, ids('idle')])).toEqual([2, 0]);
    await s.release(a, 60_000);
    await s.release(a, 60_000);
    await s.release(a, 60_000);
    expect(await s.inFlight([a])).toEqual([0]);
  });

  test('latency: exponential moving average per kind', async () => {
    const s = await ready(make());
    const a = ids('lat');
    await s.recordLatency(a, 'total', 100, 0.5);
    await s.recordLatency(a, 'total', 200, 0.5);
    await s.recordLatency(a, 'ttft', 40, 0.5);
    expect(await s.latencies([a, ids('none')], 'total')).toEqual([150, undefined]);
    expect(await s.latencies([a], 'ttft')).toEqual([40]);
  });

  test('usage: requests and tokens over a sliding minute', async () => {
    const s = await ready(make());
    const a = ids('use');
    const minute = t0 - (t0 % 60_000);
    await s.addUsage(a, minute + 10, 1, 0);
    await s.addUsage(a, minute + 20, 0, 500);
    expect(await s.usage([a], minute + 30)).toEqual([{ requests: 1, tokens: 500 }]);
    // Half-way through the next minute, half of the last minute still counts.
    await s.addUsage(a, minute + 60_000, 2, 100);
    expect(await s.usage([a], minute + 90_000)).toEqual([{ requests: 2.5, tokens: 350 }]);
  });
}
