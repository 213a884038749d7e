import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock, Random } from './types.ts';

/** The real clock: `Date.now()` and timers that end early when the request is aborted. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number, signal: AbortSignal) => (ms <= 0 ? Promise.resolve() : sleep(ms, undefined, { signal })),
});

export const systemRandom: Random = Math.random;
