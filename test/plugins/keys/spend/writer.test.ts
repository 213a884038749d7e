import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { StoreError } from '../../../../plugins/keys/store/errors.ts';
import { openKeysStore } from '../../../../plugins/keys/store/index.ts';
import type { KeysStore, RecordSpendResult, SpendRow } from '../../../../plugins/keys/store/types.ts';
import { SpendWriter } from '../../../../plugins/keys/spend/writer.ts';

const T0 = Date.UTC(2026, 0, 15, 12);

function row(n: number, fields: Partial<SpendRow> = {}): SpendRow {
  return {
    log_id: fields.log_id ?? fields.request_id ?? `log-${n}`,
    request_id: `req-${n}`,
    call_type: 'acompletion',
    api_key: null,
    key_alias: null,
    team_id: null,
    user: null,
    model: 'gpt-4o-mini',
    model_group: 'gpt-4o-mini',
    custom_llm_provider: 'openai',
    model_id: 'mini#0',
    startTime: T0 + n,
    endTime: T0 + n + 800,
    completionStartTime: T0 + n + 300,
    request_duration_ms: 800,
    prompt_tokens: 100,
    completion_tokens: 20,
    total_tokens: 120,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
    reasoning_tokens: 0,
    spend: 27_000,
    cache_hit: false,
    status: 'success',
    status_code: 200,
    error_type: null,
    attempts: 1,
    metadata: {},
    ...fields,
  };
}
const rows = (from: number, count: number): SpendRow[] => Array.from({ length: count }, (_, i) => row(from + i));
const ids = (rs: readonly SpendRow[]): string[] => rs.map((r) => r.request_id);

function fakeLog() {
  return { warn: vi.fn(), error: vi.fn() };
}

describe('with the real SQLite store', () => {
  const root = mkdtempSync(join(tmpdir(), 'sy-spend-writer-'));
  let n = 0;
  let store: KeysStore;
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  beforeEach(async () => {
    store = (await openKeysStore({ kind: 'sqlite', dataDir: join(root, `s${++n}`) })).store;
  });
  afterEach(async () => store.close());

  test('add only queues; flush writes the rows, their spend accrues to the key and team', async () => {
    const key = await store.createKey({ token: 'f'.repeat(64), key_name: 'sk-...ffff', team_id: null });
    await store.createTeam({ team_id: 'eng' });
    const writer = new SpendWriter({ store, log: fakeLog() });
    for (const r of rows(1, 5)) expect(writer.add({ ...r, api_key: key.token, team_id: 'eng' })).toBeUndefined();
    expect((await store.spendLogs({}, { page: 1, size: 100 })).total).toBe(0);
    await writer.flush();
    expect((await store.spendLogs({}, { page: 1, size: 100 })).total).toBe(5);
    expect((await store.getKey(key.token))?.spend).toBe(5 * 27_000);
    expect((await store.getTeam('eng'))?.spend).toBe(5 * 27_000);
    expect(writer.stats()).toEqual({ queued: 0, written: 5, dropped: 0, failures: 0 });
    await writer.close();
  });

  test('close writes everything still queued, in several batches, and nothing is lost', async () => {
    const writer = new SpendWriter({ store, batchSize: 100, log: fakeLog() });
    for (const r of rows(1, 250)) writer.add(r);
    await writer.close();
    const page = await store.spendLogs({}, { page: 1, size: 100 });
    expect(page.total).toBe(250);
    expect(writer.stats()).toEqual({ queued: 0, written: 250, dropped: 0, failures: 0 });
  });

  test('a row added after close is dropped and logged, not written', async () => {
    const log = fakeLog();
    const writer = new SpendWriter({ store, log });
    await writer.close();
    writer.add(row(1));
    expect(writer.stats().dropped).toBe(1);
    expect(log.error).toHaveBeenCalledWith({ request_id: 'req-1' }, expect.stringContaining('after close'));
    expect((await store.spendLogs({}, { page: 1, size: 100 })).total).toBe(0);
  });

  test('an invalid row is dropped alone; the rest of its batch is written', async () => {
    const log = fakeLog();
    const writer = new SpendWriter({ store, log });
    writer.add(row(1));
    writer.add(row(2, { spend: -5 }));
    writer.add(row(3));
    await writer.flush();
    expect(ids((await store.spendLogs({}, { page: 1, size: 100 })).rows).sort()).toEqual(['req-1', 'req-3']);
    expect(writer.stats()).toMatchObject({ written: 2, dropped: 1, failures: 0, queued: 0 });
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ request_id: 'req-2' }), expect.stringContaining('refused'));
    await writer.close();
  });
});

/** A store that fails its first `failures` writes (or every write while `failForever`), recording every batch it was given. */
function flakyStore(failures = 0) {
  const calls: SpendRow[][] = [];
  const written: SpendRow[] = [];
  let left = failures;
  const store = {
    failForever: false,
    recordSpend(batch: readonly SpendRow[]): Promise<RecordSpendResult> {
      calls.push([...batch]);
      if (store.failForever || left > 0) {
        left -= 1;
        return Promise.reject(new Error('database is locked'));
      }
      written.push(...batch);
      return Promise.resolve({ inserted: batch.length, duplicates: 0 });
    },
  };
  return { store, calls, written };
}

describe('batching, retry and bounds (fake store, fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('rows wait for the flush interval, then go in one batch; a full batch goes at once', async () => {
    const { store, calls } = flakyStore();
    const writer = new SpendWriter({ store, batchSize: 10, flushIntervalMs: 1000, log: fakeLog() });
    for (const r of rows(1, 3)) writer.add(r);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map(ids)).toEqual([['req-1', 'req-2', 'req-3']]);
    for (const r of rows(4, 10)) writer.add(r);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.length)).toEqual([3, 10]);
    await writer.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  test('a failed write keeps its rows and is retried with exponential backoff, in order', async () => {
    const { store, calls, written } = flakyStore(3);
    const log = fakeLog();
    const writer = new SpendWriter({ store, batchSize: 10, flushIntervalMs: 1000, retryBaseMs: 500, log });
    for (const r of rows(1, 4)) writer.add(r);
    await vi.advanceTimersByTimeAsync(1000); // first try fails
    expect(calls).toHaveLength(1);
    expect(writer.stats()).toMatchObject({ queued: 4, failures: 1 });
    writer.add(row(5)); // joins the queue behind the failed rows
    await vi.advanceTimersByTimeAsync(499);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1); // +500: second try fails
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1); // +1000: third try fails
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(2000); // +2000: fourth try succeeds
    expect(calls).toHaveLength(4);
    expect(ids(written)).toEqual(['req-1', 'req-2', 'req-3', 'req-4', 'req-5']);
    expect(writer.stats()).toEqual({ queued: 0, written: 5, dropped: 0, failures: 0 });
    expect(log.warn).toHaveBeenCalledTimes(3);
    expect(log.warn.mock.calls.map((c) => (c[0] as { retryInMs: number }).retryInMs)).toEqual([500, 1000, 2000]);
    await writer.close();
  });

  test('backoff is capped at retryMaxMs', async () => {
    const { store, calls } = flakyStore(100);
    const writer = new SpendWriter({ store, flushIntervalMs: 10, retryBaseMs: 100, retryMaxMs: 300, log: fakeLog() });
    writer.add(row(1));
    await vi.advanceTimersByTimeAsync(10 + 100 + 200 + 300); // tries at 10, 110, 310, 610
    expect(calls).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(299);
    expect(calls).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(1); // 910: still 300 apart
    expect(calls).toHaveLength(5);
  });

  test('a full queue drops the oldest rows, counts them and logs them; the newest are written when the store is back', async () => {
    const { store, written } = flakyStore(1);
    const log = fakeLog();
    const writer = new SpendWriter({ store, batchSize: 100, maxQueue: 200, flushIntervalMs: 1000, retryBaseMs: 500, log });
    writer.add(row(0));
    await vi.advanceTimersByTimeAsync(1000); // the one write fails: now in backoff, nothing else is tried
    for (const r of rows(1, 250)) writer.add(r);
    expect(writer.stats()).toMatchObject({ queued: 200, dropped: 51 });
    await vi.advanceTimersByTimeAsync(500); // the retry tick reports the drops, then writes
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ dropped: 51, droppedTotal: 51, maxQueue: 200 }), expect.stringContaining('dropped'));
    expect(written).toHaveLength(200);
    expect(written[0]?.request_id).toBe('req-51');
    expect(written.at(-1)?.request_id).toBe('req-250');
    expect(writer.stats()).toEqual({ queued: 0, written: 200, dropped: 51, failures: 0 });
  });

  test('add never throws and never waits, even when the store throws synchronously', async () => {
    const log = fakeLog();
    const store = {
      recordSpend(): Promise<RecordSpendResult> {
        throw new Error('driver exploded');
      },
    };
    const writer = new SpendWriter({ store, batchSize: 1, log });
    expect(() => writer.add(row(1))).not.toThrow();
    await writer.flush();
    expect(writer.stats()).toMatchObject({ queued: 1, failures: 1 });
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  test('close retries a failing store until it recovers: nothing queued is lost, no timer left', async () => {
    const { store, written } = flakyStore(3);
    const writer = new SpendWriter({ store, batchSize: 10, retryBaseMs: 100, log: fakeLog() });
    for (const r of rows(1, 25)) writer.add(r); // two full batches try at once and fail
    const closed = writer.close();
    await vi.advanceTimersByTimeAsync(10_000);
    await closed;
    expect(ids(written)).toEqual(ids(rows(1, 25)));
    expect(writer.stats()).toEqual({ queued: 0, written: 25, dropped: 0, failures: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });

  test('close gives up after closeTimeoutMs on a dead store: the rows are counted as lost and logged, no timer left', async () => {
    const { store, calls } = flakyStore();
    store.failForever = true;
    const log = fakeLog();
    const writer = new SpendWriter({ store, retryBaseMs: 100, retryMaxMs: 1000, closeTimeoutMs: 2000, log });
    for (const r of rows(1, 7)) writer.add(r);
    const closed = writer.close();
    await vi.advanceTimersByTimeAsync(60_000);
    await closed;
    // Tries at 0, then after 100, 200, 400, 800 (1500 waited; the next wait, 1000, would pass 2000).
    expect(calls).toHaveLength(5);
    expect(writer.stats()).toEqual({ queued: 0, written: 0, dropped: 7, failures: 5 });
    expect(log.error).toHaveBeenCalledWith({ rows: 7, failures: 5 }, expect.stringContaining('rows lost'));
    expect(vi.getTimerCount()).toBe(0);
  });

  test('a flush past a pending backoff tries at once', async () => {
    const { store, calls, written } = flakyStore(1);
    const writer = new SpendWriter({ store, flushIntervalMs: 1000, retryBaseMs: 60_000, log: fakeLog() });
    writer.add(row(1));
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(1);
    await writer.flush();
    expect(ids(written)).toEqual(['req-1']);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('a permanent store error (invalid value) is not retried with backoff', async () => {
    const log = fakeLog();
    const batches: string[][] = [];
    const store = {
      recordSpend(batch: readonly SpendRow[]): Promise<RecordSpendResult> {
        batches.push(ids(batch));
        if (batch.some((r) => r.request_id === 'req-2')) return Promise.reject(new StoreError('invalid_value', 'spend must be a non-negative safe integer', 'spend'));
        return Promise.resolve({ inserted: batch.length, duplicates: 0 });
      },
    };
    const writer = new SpendWriter({ store, log });
    for (const r of rows(1, 3)) writer.add(r);
    await writer.flush();
    expect(batches).toEqual([['req-1', 'req-2', 'req-3'], ['req-1'], ['req-2'], ['req-3']]);
    expect(writer.stats()).toEqual({ queued: 0, written: 2, dropped: 1, failures: 0 });
    expect(log.warn).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
