import { afterEach, describe, expect, test, vi } from 'vitest';
import { InFlight, waitFor } from '../../../../plugins/cache/shared/coalesce.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('InFlight', () => {
  test('one leader per key; waiters get its answer; the flight stays until ended', async () => {
    const flights = new InFlight<string>();
    const leader = {};
    expect(flights.lead('k', leader)).toBe(true);
    expect(flights.lead('k', {})).toBe(false);
    const waiting = flights.pending('k');
    flights.resolve('k', {}, 'not the leader'); // ignored
    flights.resolve('k', leader, 'answer');
    expect(await waiting).toBe('answer');
    expect(await flights.pending('k')).toBe('answer'); // late arrivals share it until `end`
    flights.end('k', leader);
    expect(flights.pending('k')).toBeUndefined();
    expect(flights.size).toBe(0);
  });

  test('a waiter that arrives after the answer (the flight is not yet ended) still gets it', async () => {
    const flights = new InFlight<string>();
    const leader = {};
    flights.lead('k', leader);
    flights.resolve('k', leader, 'answer'); // nobody was waiting yet
    expect(await flights.pending('k')).toBe('answer');
    flights.end('k', leader);
    expect(flights.pending('k')).toBeUndefined();
  });

  test('a leader that ends without an answer gives its waiters undefined, and frees the key', async () => {
    const flights = new InFlight<string>();
    const leader = {};
    flights.lead('k', leader);
    const waiting = flights.pending('k');
    flights.end('k', {}); // not the owner: nothing happens
    expect(flights.size).toBe(1);
    flights.end('k', leader);
    expect(await waiting).toBeUndefined();
    expect(flights.lead('k', {})).toBe(true);
  });
});

describe('waitFor', () => {
  test('gives up with undefined after the timeout, clearing its timer', async () => {
    vi.useFakeTimers();
    const never = new Promise<string | undefined>(() => undefined);
    const waiting = waitFor(never, new AbortController().signal, 1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await waiting).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  test('rejects with a 499 when the client leaves', async () => {
    const controller = new AbortController();
    const waiting = waitFor(new Promise<string | undefined>(() => undefined), controller.signal, 60_000);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ status: 499 });
    await expect(waitFor(Promise.resolve('x'), controller.signal, 10)).rejects.toMatchObject({ status: 499 });
  });

  test('resolves with the answer and clears its timer', async () => {
    vi.useFakeTimers();
    expect(await waitFor(Promise.resolve('x'), new AbortController().signal, 1000)).toBe('x');
    expect(vi.getTimerCount()).toBe(0);
  });
});
