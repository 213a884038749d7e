import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { openKeysStore, SQLITE_FILE, type SpendRow } from '../../../../plugins/keys/store/index.ts';

// SQLite's checkpoints (WAL pages copied into the database file, then fsync) run on a worker
// thread, not on the connection that commits: the gateway's loop never waits for one. Observable
// from outside: the database file grows while the gateway's connection is still open, although
// that connection never checkpoints (wal_autocheckpoint = 0).

const root = mkdtempSync(join(tmpdir(), 'sy-keys-ckpt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function row(n: number): SpendRow {
  return {
    log_id: `log-${String(n).padStart(8, '0')}`, request_id: `req-${n}`, call_type: 'acompletion', api_key: null, key_alias: null,
    team_id: null, user: null, model: 'gpt-4o-mini', model_group: 'gpt-4o-mini', custom_llm_provider: 'openai', model_id: null,
    startTime: 1_000 + n, endTime: 2_000 + n, completionStartTime: null, request_duration_ms: 1000, prompt_tokens: 10,
    completion_tokens: 5, total_tokens: 15, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, reasoning_tokens: 0,
    spend: 100, cache_hit: false, status: 'success', status_code: 200, error_type: null, attempts: 1, metadata: {},
  };
}

describe('SQLite checkpoints off the event loop', () => {
  test('pages reach the database file while the store is open; close stops the worker and keeps every row', async () => {
    const dir = join(root, 'a');
    const { store } = await openKeysStore({ kind: 'sqlite', dataDir: dir });
    const file = join(dir, SQLITE_FILE);
    const initial = statSync(file).size;
    for (let b = 0; b < 10; b++) await store.recordSpend(Array.from({ length: 200 }, (_, i) => row(b * 200 + i)));
    let size = statSync(file).size;
    for (let i = 0; i < 40 && size <= initial; i++) {
      await new Promise((r) => setTimeout(r, 100));
      size = statSync(file).size;
    }
    expect(size).toBeGreaterThan(initial);
    await store.close();
    const reopened = await openKeysStore({ kind: 'sqlite', dataDir: dir });
    expect((await reopened.store.spendLogs({}, { page: 1, size: 1 })).total).toBe(2000);
    await reopened.store.close();
  });
});
