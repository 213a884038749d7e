import { describe, expect, test } from 'vitest';
import { MemoryResponseStore } from '../../../../plugins/inbound/responses/index.ts';
import { responseStoreContract, turn } from './store-contract.ts';

let n = 0;
const ids = () => `resp_mem_${++n}`;

describe('MemoryResponseStore', () => {
  responseStoreContract(() => new MemoryResponseStore(), ids);

  test('bounded by entries: the least recently used record goes first', async () => {
    const store = new MemoryResponseStore({ maxEntries: 2 });
    await store.put(turn('resp_a', 'a', 'a'), 60);
    await store.put(turn('resp_b', 'b', 'b'), 60);
    await store.get('resp_a');
    await store.put(turn('resp_c', 'c', 'c'), 60);
    expect(await store.get('resp_b')).toBeUndefined();
    expect(await store.get('resp_a')).toBeDefined();
    expect(await store.get('resp_c')).toBeDefined();
  });

  test('what a caller does to a record it put or got does not change the stored one', async () => {
    const store = new MemoryResponseStore();
    const record = turn('resp_a', 'a', 'a');
    await store.put(record, 60);
    (record.response as { model: string }).model = 'changed';
    const got = await store.get('resp_a');
    (got?.response as { model: string }).model = 'changed again';
    expect(((await store.get('resp_a'))?.response as { model?: string }).model).toBe('m');
  });
});
