import { expect, test } from 'vitest';
import { hashKey } from '../../../../plugins/keys/key-format.ts';
import type { SpendRow } from '../../../../plugins/keys/store/index.ts';
import { DAY, forEachStore, T0 } from '../../../helpers/admin-harness.ts';

type Page = { data: Record<string, unknown>[]; total: number; page: number; page_size: number; total_pages: number };

let seq = 0;
function row(fields: Partial<SpendRow>): SpendRow {
  seq += 1;
  return {
    log_id: fields.log_id ?? fields.request_id ?? `log-spend-${seq}`, request_id: `req-spend-${seq}`, call_type: 'acompletion', api_key: null, key_alias: null, team_id: null, user: null,
    model: 'gpt-4o-mini', model_group: 'gpt-4o-mini', custom_llm_provider: 'openai', model_id: null, startTime: T0,
    endTime: T0 + 800, completionStartTime: T0 + 300, request_duration_ms: 800, prompt_tokens: 100, completion_tokens: 20,
    total_tokens: 120, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, reasoning_tokens: 0, spend: 27_000,
    cache_hit: false, status: 'success', status_code: 200, error_type: null, attempts: 1, metadata: {}, ...fields,
  };
}

forEachStore((fresh) => {
  test('rows newest first with LiteLLM field names, spend in USD (null when unpriced), ISO times', async () => {
    const h = await fresh();
    const key = hashKey('sk-spender');
    await h.store.recordSpend([row({ request_id: 'a', api_key: key }), row({ request_id: 'b', startTime: T0 + 5, spend: null, status: 'failure', status_code: 502 })]);
    const page = await h.call<Page>('/spend/logs/v2');
    expect(page).toMatchObject({ total: 2, page: 1, page_size: 50, total_pages: 1 });
    expect(page.data.map((r) => r.request_id)).toEqual(['b', 'a']);
    expect(page.data[1]).toEqual({
      request_id: 'a', call_type: 'acompletion', api_key: key, key_alias: null, team_id: null, user: null, model: 'gpt-4o-mini',
      model_group: 'gpt-4o-mini', custom_llm_provider: 'openai', model_id: null, startTime: new Date(T0).toISOString(),
      endTime: new Date(T0 + 800).toISOString(), completionStartTime: new Date(T0 + 300).toISOString(), request_duration_ms: 800,
      prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, cache_read_input_tokens: 0, cache_creation_input_tokens: 0,
      reasoning_tokens: 0, spend: 0.000027, cache_hit: false, status: 'success', status_code: 200, error_type: null, attempts: 1, metadata: {},
    });
    expect(page.data[0]).toMatchObject({ spend: null, status: 'failure' });
  });

  test('filters: api_key as a hash (a plaintext is refused: URLs reach access logs), team_id, key_alias, model, status, dates as days or ISO', async () => {
    const h = await fresh();
    const key = hashKey('sk-filter-me');
    await h.store.recordSpend([
      row({ request_id: 'k1', api_key: key, key_alias: 'bot', team_id: 'eng', startTime: T0 - DAY }),
      row({ request_id: 'k2', api_key: key, key_alias: 'bot', team_id: 'eng', model: 'gpt-4o', status: 'aborted' }),
      row({ request_id: 'o1', api_key: hashKey('sk-other'), team_id: 'ops', startTime: T0 + DAY }),
    ]);
    const ids = async (query: Record<string, string>) => (await h.call<Page>('/spend/logs/v2', { query })).data.map((r) => r.request_id);
    await h.fail('/spend/logs/v2', { query: { api_key: 'sk-filter-me' } }, 400, 'plaintext_key_in_query');
    expect(await ids({ api_key: key })).toEqual(['k2', 'k1']);
    expect(await ids({ api_key: key.toUpperCase() })).toEqual(['k2', 'k1']);
    expect(await ids({ team_id: 'ops' })).toEqual(['o1']);
    expect(await ids({ key_alias: 'bot', model: 'gpt-4o' })).toEqual(['k2']);
    expect(await ids({ status: 'aborted' })).toEqual(['k2']);
    expect(await ids({ status_filter: 'success' })).toEqual(['o1', 'k1']);
    expect(await ids({ start_date: '2026-03-18', end_date: '2026-03-18' })).toEqual(['k2']);
    expect(await ids({ start_date: '2026-03-18T12:00:00Z' })).toEqual(['o1', 'k2']);
    expect(await ids({ end_date: '2026-03-18T11:59:59Z' })).toEqual(['k1']);
  });

  test('paging and refusals', async () => {
    const h = await fresh();
    await h.store.recordSpend(Array.from({ length: 5 }, (_, i) => row({ request_id: `p${i}`, startTime: T0 + i })));
    const page = await h.call<Page>('/spend/logs/v2', { query: { page: '2', page_size: '2' } });
    expect(page).toMatchObject({ total: 5, page: 2, page_size: 2, total_pages: 3 });
    expect(page.data.map((r) => r.request_id)).toEqual(['p2', 'p1']);
    await h.fail('/spend/logs/v2', { query: { page_size: '101' } }, 400, 'invalid_value', 'page_size');
    await h.fail('/spend/logs/v2', { query: { status: 'ok' } }, 400, 'invalid_value', 'status');
    await h.fail('/spend/logs/v2', { query: { start_date: '2026-02-30' } }, 400, 'invalid_value', 'start_date');
    await h.fail('/spend/logs/v2', { query: { end_date: 'last week' } }, 400, 'invalid_value', 'end_date');
  });
});
