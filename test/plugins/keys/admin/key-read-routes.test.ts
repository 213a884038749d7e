import { expect, test } from 'vitest';
import { hashKey } from '../../../../plugins/keys/key-format.ts';
import { DAY, forEachStore, T0, USD, type AdminHarness } from '../../../helpers/admin-harness.ts';

type Rec = Record<string, unknown>;
type Generated = Rec & { key: string; token_id: string };

const generate = (h: AdminHarness, body: Rec = {}) => h.call<Generated>('/key/generate', { body });

function spendRow(apiKey: string, spend: number, startTime: number) {
  return {
    log_id: `log-read-${Math.random().toString(36).slice(2)}`, request_id: "req-read", call_type: 'acompletion', api_key: apiKey,
    key_alias: null, team_id: null, user: null, model: 'gpt-4o-mini', model_group: null, custom_llm_provider: 'openai',
    model_id: null, startTime, endTime: startTime + 10, completionStartTime: null, request_duration_ms: 10, prompt_tokens: 1,
    completion_tokens: 1, total_tokens: 2, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, reasoning_tokens: 0,
    spend, cache_hit: false, status: 'success' as const, status_code: 200, error_type: null, attempts: 1, metadata: {},
  };
}

forEachStore((fresh) => {
  test('GET /key/info?key=<hash>: {key: hash, info: record}; an upper-case hash is found too', async () => {
    const h = await fresh();
    const g = await generate(h, { key_alias: 'a', rpm_limit: 3 });
    const { key: _plain, ...record } = g;
    expect(await h.call('/key/info', { query: { key: g.token_id } })).toEqual({ key: g.token_id, info: record });
    expect(await h.call('/key/info', { query: { key: g.token_id.toUpperCase() } })).toEqual({ key: g.token_id, info: record });
  });

  test('GET /key/info with a plaintext key is 400 pointing to the hash or POST /v2/key/info; no key is 400; unknown is 404', async () => {
    const h = await fresh();
    const g = await generate(h);
    const err = await h.fail('/key/info', { query: { key: g.key } }, 400, 'plaintext_key_in_query', 'key');
    expect(err.message).toContain('/v2/key/info');
    expect(err.message).toContain('hash');
    await h.fail('/key/info', { query: { key: 'not-a-hash' } }, 400, 'plaintext_key_in_query', 'key');
    await h.fail('/key/info', { query: {} }, 400, 'invalid_value', 'key');
    await h.fail('/key/info', { query: { key: hashKey('sk-unknown') } }, 404, 'key_not_found', 'key');
  });

  test('self-service: a virtual key without ?key gets its own record; with ?key it is 403 admin_only', async () => {
    const h = await fresh();
    const g = await generate(h, { max_budget: 3 });
    const other = await generate(h);
    const own = await h.call<{ key: string; info: Rec }>('/key/info', { caller: { role: 'key', token: g.token_id } });
    expect(own.key).toBe(g.token_id);
    expect(own.info).toMatchObject({ token_id: g.token_id, max_budget: 3 });
    await h.fail('/key/info', { query: { key: other.token_id }, caller: { role: 'key', token: g.token_id } }, 403, 'admin_only');
    await h.store.deleteKeys({ tokens: [g.token_id] });
    await h.fail('/key/info', { caller: { role: 'key', token: g.token_id } }, 404, 'key_not_found');
  });

  test("a record's spend is the current window's: after the window ends it reads 0 and budget_reset_at moves on", async () => {
    const h = await fresh();
    const g = await generate(h, { max_budget: 10, budget_duration: '1d' });
    await h.store.recordSpend([spendRow(g.token_id, 1_250_000_000, T0 + 1000)]);
    const today = await h.call<{ info: Rec }>('/key/info', { query: { key: g.token_id } });
    expect(today.info).toMatchObject({ spend: 1.25, budget_reset_at: '2026-03-19T00:00:00.000Z' });
    h.clock.t = T0 + 2 * DAY;
    const later = await h.call<{ info: Rec }>('/key/info', { query: { key: g.token_id } });
    expect(later.info).toMatchObject({ spend: 0, budget_reset_at: '2026-03-21T00:00:00.000Z' });
  });

  test('a key without budget_duration shows all its spend, in USD', async () => {
    const h = await fresh();
    const g = await generate(h);
    await h.store.recordSpend([spendRow(g.token_id, 3 * USD, T0), spendRow(g.token_id, 27_000, T0 + 1)]);
    expect((await h.call<{ info: Rec }>('/key/info', { query: { key: g.token_id } })).info.spend).toBe(3.000027);
  });

  test('POST /v2/key/info: plaintexts and hashes, the found ones in the order asked, unknown left out', async () => {
    const h = await fresh();
    const a = await generate(h, { key_alias: 'a' });
    const b = await generate(h, { key_alias: 'b' });
    const answer = await h.call<{ key: string[]; info: Rec[] }>('/v2/key/info', { body: { keys: [b.key, 'sk-unknown', a.token_id, b.token_id] } });
    expect(answer.key).toEqual([b.token_id, a.token_id]);
    expect(answer.info.map((r) => r.key_alias)).toEqual(['b', 'a']);
    await h.fail('/v2/key/info', { body: { keys: [] } }, 400, 'invalid_value', 'keys');
    await h.fail('/v2/key/info', { body: {} }, 400, 'invalid_value', 'keys');
  });

  test('GET /key/list: hashes by default, records with return_full_object, newest first, paged, filtered', async () => {
    const h = await fresh();
    await h.call('/team/new', { body: { team_id: 'eng' } });
    const made: Generated[] = [];
    for (let i = 0; i < 5; i += 1) {
      h.clock.t = T0 + i * 1000;
      made.push(await generate(h, { key_alias: `bot-${i}`, ...(i % 2 === 0 ? { team_id: 'eng' } : {}) }));
    }
    const newestFirst = made.map((g) => g.token_id).reverse();
    expect(await h.call('/key/list', { query: { size: '2' } })).toEqual({ keys: newestFirst.slice(0, 2), total_count: 5, current_page: 1, total_pages: 3 });
    expect(await h.call('/key/list', { query: { size: '2', page: '3' } })).toEqual({ keys: newestFirst.slice(4), total_count: 5, current_page: 3, total_pages: 3 });
    const full = await h.call<{ keys: Rec[] }>('/key/list', { query: { return_full_object: 'true', team_id: 'eng' } });
    expect(full.keys.map((k) => k.key_alias)).toEqual(['bot-4', 'bot-2', 'bot-0']);
    expect(full.keys[0]).not.toHaveProperty('key');
    const byAlias = await h.call<{ keys: string[]; total_count: number }>('/key/list', { query: { key_alias: 'BOT-3' } });
    expect(byAlias).toMatchObject({ keys: [made[3]?.token_id], total_count: 1 });
  });

  test('GET /key/list refuses a size over 100, a page of 0 and a non-boolean return_full_object', async () => {
    const h = await fresh();
    await h.fail('/key/list', { query: { size: '101' } }, 400, 'invalid_value', 'size');
    await h.fail('/key/list', { query: { page: '0' } }, 400, 'invalid_value', 'page');
    await h.fail('/key/list', { query: { page: '1.5' } }, 400, 'invalid_value', 'page');
    await h.fail('/key/list', { query: { return_full_object: 'maybe' } }, 400, 'invalid_value', 'return_full_object');
    expect(await h.call('/key/list', { query: { size: '100' } })).toEqual({ keys: [], total_count: 0, current_page: 1, total_pages: 0 });
  });
});
