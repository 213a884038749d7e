import { describe, expect, test } from 'vitest';
import { RecordCache } from '../../../plugins/keys/record-cache.ts';

/** A store whose reads are counted, answered when the test says. */
function countingStore(rows: Record<string, string>) {
  const reads: string[] = [];
  return { reads, load: async (id: string) => (reads.push(id), rows[id]) };
}

describe('RecordCache', () => {
  test('a cached record (or a cached absence) comes back as a value, with no store read', async () => {
    const store = countingStore({ a: 'row-a' });
    const cache = new RecordCache<string>({ load: store.load, ttlMs: 60_000, max: 10 });
    expect(await cache.get('a')).toBe('row-a');
    expect(await cache.get('missing')).toBeUndefined();
    expect(cache.get('a')).toBe('row-a');
    expect(cache.get('missing')).toBeUndefined();
    expect(store.reads).toEqual(['a', 'missing']);
  });

  test('concurrent misses share one read', async () => {
    const store = countingStore({ a: 'row-a' });
    const cache = new RecordCache<string>({ load: store.load, ttlMs: 60_000, max: 10 });
    expect(await Promise.all([cache.get('a'), cache.get('a'), cache.get('a')])).toEqual(['row-a', 'row-a', 'row-a']);
    expect(store.reads).toEqual(['a']);
  });

  test('a record is read again once its TTL has passed, and at once after an invalidation', async () => {
    const store = countingStore({ a: 'row-a' });
    const cache = new RecordCache<string>({ load: store.load, ttlMs: 25, max: 10 });
    await cache.get('a');
    expect(cache.get('a')).toBe('row-a');
    // The TTL is checked against the clock on each lookup (no cached time behind a timer).
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cache.get('a')).toBeInstanceOf(Promise);
    await cache.get('a');
    cache.invalidate(['a']);
    expect(cache.get('a')).toBeInstanceOf(Promise);
    expect(store.reads).toEqual(['a', 'a', 'a']);
  });

  test('a read under way when its id is invalidated does not store what it found', async () => {
    let release: (row: string) => void = () => undefined;
    const reads: string[] = [];
    const cache = new RecordCache<string>({
      load: (id) => (reads.push(id), new Promise<string>((resolve) => (release = resolve))),
      ttlMs: 60_000,
      max: 10,
    });
    const pending = cache.get('a');
    cache.invalidate(['a']);
    release('stale');
    expect(await pending).toBe('stale');
    // Not stored: the next lookup reads again.
    expect(cache.get('a')).toBeInstanceOf(Promise);
    expect(reads).toEqual(['a', 'a']);
  });
});
