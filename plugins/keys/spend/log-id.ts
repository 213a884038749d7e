import { randomBytes } from 'node:crypto';

/** This process's part of every id: 48 random bits, so two instances never make the same id. */
const instance = randomBytes(6).toString('hex');
let counter = 0;
/** The time part of the last id, kept for the next: at a few thousand rows a second, most ids share a millisecond with the one before. */
let lastMs = -1;
let lastPrefix = '';

/**
 * A spend row's own id: the time in ms (12 hex digits), this process's random part and a counter
 * (12 and 8 hex digits: 32 characters in all). Ids made later sort later, so rows are appended to
 * the store's primary-key index instead of landing on a random page of it (a random UUID key
 * cost a page write per row per batch); the counter keeps ids made in one millisecond apart.
 */
export function newLogId(now: number = Date.now()): string {
  counter = (counter + 1) % 0x1_0000_0000;
  if (now !== lastMs) {
    lastMs = now;
    lastPrefix = now.toString(16).padStart(12, '0') + instance;
  }
  return lastPrefix + counter.toString(16).padStart(8, '0');
}
