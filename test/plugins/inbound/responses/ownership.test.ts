import { describe, expect, test } from 'vitest';
import type { Principal } from 'switchyard';
import { MemoryResponseStore, mayAccess, visibleRecord } from '../../../../plugins/inbound/responses/index.ts';
import { turn } from './store-contract.ts';

const alice: Principal = { id: 'alice', role: 'user' };
const bob: Principal = { id: 'bob', role: 'user' };
const admin: Principal = { id: 'master-key', role: 'admin' };

describe('stored response ownership', () => {
  const owned = { ...turn('resp_1', 'Hi', 'Hello'), owner: 'alice' };
  const unowned = turn('resp_2', 'Hi', 'Hello');

  test('the owner and admins see an owned record; others and unauthenticated callers do not', () => {
    expect([alice, bob, admin, undefined].map((p) => mayAccess(owned, p))).toEqual([true, false, true, false]);
  });

  test('a record kept without an owner is everyone’s', () => {
    expect([alice, bob, admin, undefined].map((p) => mayAccess(unowned, p))).toEqual([true, true, true, true]);
  });

  test("visibleRecord: another's record and an absent one are the same 404", async () => {
    const store = new MemoryResponseStore();
    await store.put(owned, 60);
    expect((await visibleRecord(store, 'resp_1', alice)).owner).toBe('alice');
    const hidden = await visibleRecord(store, 'resp_1', bob).catch((e: unknown) => e);
    const absent = await visibleRecord(store, 'resp_9', bob).catch((e: unknown) => e);
    expect(hidden).toMatchObject({ status: 404, type: 'not_found_error', message: "Response with id 'resp_1' not found.", extra: { code: 'response_not_found' } });
    expect(absent).toMatchObject({ status: 404, type: 'not_found_error', message: "Response with id 'resp_9' not found.", extra: { code: 'response_not_found' } });
  });
});
