import { expect, test } from 'vitest';
import { hashKey, isKeyHash, keyName } from '../../../../plugins/keys/key-format.ts';
import { DAY, forEachStore, T0, USD, type AdminHarness } from '../../../helpers/admin-harness.ts';

type Rec = Record<string, unknown>;

async function generate(h: AdminHarness, body: Rec = {}): Promise<Rec & { key: string; token_id: string }> {
  return h.call('/key/generate', { body });
}

forEachStore((fresh) => {
  test('generate: a new sk- key, shown once; defaults for every field; only its hash is stored', async () => {
    const h = await fresh();
    const answer = await generate(h);
    expect(answer.key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect(answer).toEqual({
      key: answer.key, token_id: hashKey(answer.key), key_name: keyName(answer.key), key_alias: null, spend: 0,
      max_budget: null, soft_budget: null, budget_duration: null, budget_reset_at: null, expires: null, models: [],
      tpm_limit: null, rpm_limit: null, max_parallel_requests: null, model_rpm_limit: {}, model_tpm_limit: {},
      team_id: null, user_id: null, metadata: {}, tags: [], blocked: false,
      created_at: new Date(T0).toISOString(), updated_at: new Date(T0).toISOString(), last_active: null,
    });
    expect((await h.store.getKey(hashKey(answer.key)))?.key_name).toBe(keyName(answer.key));
    expect(h.invalidations).toEqual([{ tokens: [answer.token_id] }]);
    const [audit] = (await h.store.auditLog({ page: 1, size: 10 })).rows;
    expect(audit).toMatchObject({ actor: 'master', action: 'key.create', object_type: 'key', object_id: answer.token_id, before: null });
  });

  test('generate with every field: USD in, nano-USD stored, USD out; duration sets expires', async () => {
    const h = await fresh();
    await h.call('/team/new', { body: { team_id: 'eng' } });
    const answer = await generate(h, {
      key_alias: 'ci-bot', duration: '30d', models: ['gpt-4o', 'anthropic/*'], max_budget: 25.1, soft_budget: 20,
      budget_duration: 'monthly', tpm_limit: 100_000, rpm_limit: 60, max_parallel_requests: 4,
      model_rpm_limit: { 'gpt-4o': 10 }, model_tpm_limit: { 'gpt-4o': 5000 }, team_id: 'eng', user_id: 'ann',
      metadata: { env: 'ci' }, tags: ['ci'], blocked: false, aliases: {}, config: {},
    });
    expect(answer).toMatchObject({
      key_alias: 'ci-bot', expires: new Date(T0 + 30 * DAY).toISOString(), models: ['gpt-4o', 'anthropic/*'],
      max_budget: 25.1, soft_budget: 20, budget_duration: 'monthly', budget_reset_at: '2026-04-01T00:00:00.000Z',
      tpm_limit: 100_000, rpm_limit: 60, max_parallel_requests: 4, model_rpm_limit: { 'gpt-4o': 10 },
      model_tpm_limit: { 'gpt-4o': 5000 }, team_id: 'eng', user_id: 'ann', metadata: { env: 'ci' }, tags: ['ci'],
    });
    const row = await h.store.getKey(answer.token_id);
    expect(row).toMatchObject({ max_budget: 25_100_000_000, soft_budget: 20 * USD, expires: T0 + 30 * DAY });
  });

  test("generate: a custom key is kept as given; LiteLLM's every-model markers mean []", async () => {
    const h = await fresh();
    const answer = await generate(h, { key: 'sk-my-own-key-1234', models: ['all-proxy-models'] });
    expect(answer).toMatchObject({ key: 'sk-my-own-key-1234', token_id: hashKey('sk-my-own-key-1234'), key_name: 'sk-...1234', models: [] });
    await h.fail('/key/generate', { body: { key: 'sk-my-own-key-1234' } }, 409, 'key_exists', 'key');
  });

  test('generate refusals: 400 naming the field, 404 for a team that does not exist, 409 for a taken alias', async () => {
    const h = await fresh();
    await h.fail('/key/generate', { body: { rpm_limit: '10' } }, 400, 'invalid_value', 'rpm_limit');
    await h.fail('/key/generate', { body: { tpm_limit: 1.5 } }, 400, 'invalid_value', 'tpm_limit');
    await h.fail('/key/generate', { body: { max_budget: -1 } }, 400, 'invalid_value', 'max_budget');
    await h.fail('/key/generate', { body: { max_budget: 1e10 } }, 400, 'invalid_value', 'max_budget');
    await h.fail('/key/generate', { body: { models: ['ok', 3] } }, 400, 'invalid_value', 'models[1]');
    await h.fail('/key/generate', { body: { model_rpm_limit: { 'gpt-4o': -1 } } }, 400, 'invalid_value', 'model_rpm_limit.gpt-4o');
    await h.fail('/key/generate', { body: { duration: '1y' } }, 400, 'invalid_value', 'duration');
    await h.fail('/key/generate', { body: { budget_duration: '0d' } }, 400, 'invalid_value', 'budget_duration');
    await h.fail('/key/generate', { body: { duration: '1d', expires: '2027-01-01' } }, 400, 'invalid_value', 'expires');
    await h.fail('/key/generate', { body: { expires: 'tomorrow' } }, 400, 'invalid_value', 'expires');
    await h.fail('/key/generate', { body: { blocked: 'yes' } }, 400, 'invalid_value', 'blocked');
    await h.fail('/key/generate', { body: { model_max_budget: { 'gpt-4o': { budget_limit: 1 } } } }, 400, 'unsupported_parameter', 'model_max_budget');
    await h.fail('/key/generate', { body: [] }, 400, 'invalid_request');
    await h.fail('/key/generate', { body: { team_id: 'ghost' } }, 404, 'team_not_found', 'team_id');
    await generate(h, { key_alias: 'taken' });
    await h.fail('/key/generate', { body: { key_alias: 'taken' } }, 409, 'key_alias_taken', 'key_alias');
    expect((await h.store.listKeys({ page: 1, size: 10 })).total).toBe(1);
  });

  test('update by plaintext or hash; null clears a limit; unknown LiteLLM fields are ignored', async () => {
    const h = await fresh();
    const { key, token_id } = await generate(h, { rpm_limit: 10, max_budget: 5 });
    h.clock.t = T0 + 1000;
    const byKey = await h.call('/key/update', { body: { key, rpm_limit: 20, max_budget: null, permissions: {} } });
    expect(byKey).toMatchObject({ token_id, rpm_limit: 20, max_budget: null, updated_at: new Date(T0 + 1000).toISOString() });
    expect(byKey).not.toHaveProperty('key');
    const byHash = await h.call('/key/update', { body: { key: token_id, duration: '1h', key_alias: 'renamed' } });
    expect(byHash).toMatchObject({ key_alias: 'renamed', expires: new Date(T0 + 1000 + 3_600_000).toISOString(), rpm_limit: 20 });
    expect(h.invalidations.slice(1)).toEqual([{ tokens: [token_id] }, { tokens: [token_id] }]);
    const audit = (await h.store.auditLog({ page: 1, size: 10, object_id: token_id })).rows.map((r) => r.action);
    expect(audit).toEqual(['key.update', 'key.update', 'key.create']);
  });

  test('update refusals: 404 for an unknown key, 409 for a taken alias, 400 for a missing key field', async () => {
    const h = await fresh();
    const { key } = await generate(h, { key_alias: 'one' });
    await generate(h, { key_alias: 'two' });
    await h.fail('/key/update', { body: { key: 'sk-nope', rpm_limit: 1 } }, 404, 'key_not_found', 'key');
    await h.fail('/key/update', { body: { key: hashKey('sk-nope'), rpm_limit: 1 } }, 404, 'key_not_found', 'key');
    await h.fail('/key/update', { body: { key, key_alias: 'two' } }, 409, 'key_alias_taken', 'key_alias');
    await h.fail('/key/update', { body: { rpm_limit: 1 } }, 400, 'invalid_value', 'key');
    await h.fail('/key/update', { body: { key, spend: 0 } }, 400, 'unsupported_parameter', 'spend');
    await h.fail('/key/update', { body: { key, team_id: 'ghost' } }, 404, 'team_not_found', 'team_id');
  });

  test('update with nothing to change answers the record and writes nothing', async () => {
    const h = await fresh();
    const { key, token_id } = await generate(h);
    const answer = await h.call('/key/update', { body: { key } });
    expect(answer).toMatchObject({ token_id });
    expect((await h.store.getKey(token_id))?.version).toBe(1);
    expect(h.invalidations).toHaveLength(1);
  });

  test('regenerate: a new key once, the old one gone at once, spend and fields carried over', async () => {
    const h = await fresh();
    const old = await generate(h, { key_alias: 'bot', rpm_limit: 7, max_budget: 10 });
    await h.store.recordSpend([spendRow(old.token_id, 2 * USD)]);
    const answer = await h.call<Rec & { key: string; token_id: string }>('/key/regenerate', { body: { key: old.key, tpm_limit: 900 } });
    expect(answer.key).toMatch(/^sk-/);
    expect(answer.key).not.toBe(old.key);
    expect(answer).toMatchObject({ token_id: hashKey(answer.key), key_alias: 'bot', rpm_limit: 7, tpm_limit: 900, spend: 2, max_budget: 10 });
    expect(await h.store.getKey(old.token_id)).toBeUndefined();
    await h.fail('/key/update', { body: { key: old.key, rpm_limit: 1 } }, 404, 'key_not_found');
    expect(h.invalidations.at(-1)).toEqual({ tokens: [old.token_id, answer.token_id] });
    const [audit] = (await h.store.auditLog({ page: 1, size: 1 })).rows;
    expect(audit).toMatchObject({ action: 'key.regenerate', object_id: answer.token_id, actor: 'master' });
    expect(audit?.before).toMatchObject({ token: old.token_id });
  });

  test('regenerate with a chosen new_key; one that exists is 409 naming new_key', async () => {
    const h = await fresh();
    const a = await generate(h);
    const b = await generate(h);
    await h.fail('/key/regenerate', { body: { key: a.key, new_key: b.key } }, 409, 'key_exists', 'new_key');
    const answer = await h.call('/key/regenerate', { body: { key: a.token_id, new_key: 'sk-chosen-0001' } });
    expect(answer).toMatchObject({ key: 'sk-chosen-0001', token_id: hashKey('sk-chosen-0001'), key_name: 'sk-...0001' });
    await h.fail('/key/regenerate', { body: { key: 'sk-gone' } }, 404, 'key_not_found', 'key');
  });

  test('block and unblock: the record with blocked, audited as key.block / key.unblock', async () => {
    const h = await fresh();
    const { key, token_id } = await generate(h);
    expect(await h.call('/key/block', { body: { key } })).toMatchObject({ token_id, blocked: true });
    expect((await h.store.getKey(token_id))?.blocked).toBe(true);
    expect(await h.call('/key/unblock', { body: { key: token_id } })).toMatchObject({ token_id, blocked: false });
    const actions = (await h.store.auditLog({ page: 1, size: 10, object_id: token_id })).rows.map((r) => r.action);
    expect(actions).toEqual(['key.unblock', 'key.block', 'key.create']);
    expect(h.invalidations.slice(1)).toEqual([{ tokens: [token_id] }, { tokens: [token_id] }]);
    await h.fail('/key/block', { body: { key: 'sk-nope' } }, 404, 'key_not_found', 'key');
    await h.fail('/key/block', { body: {} }, 400, 'invalid_value', 'key');
  });

  test('delete by key, hash and alias: the hashes deleted; none found is 404', async () => {
    const h = await fresh();
    const a = await generate(h);
    const b = await generate(h);
    const c = await generate(h, { key_alias: 'gamma' });
    const keep = await generate(h);
    const answer = await h.call<{ deleted_keys: string[] }>('/key/delete', { body: { keys: [a.key, b.token_id, 'sk-unknown'], key_aliases: ['gamma'] } });
    expect([...answer.deleted_keys].sort()).toEqual([a.token_id, b.token_id, c.token_id].sort());
    expect(answer.deleted_keys.every(isKeyHash)).toBe(true);
    expect(await h.store.getKeys([a.token_id, b.token_id, c.token_id, keep.token_id])).toHaveLength(1);
    expect(h.invalidations.at(-1)?.tokens?.slice().sort()).toEqual([a.token_id, b.token_id, c.token_id].sort());
    const deletions = (await h.store.auditLog({ page: 1, size: 20 })).rows.filter((r) => r.action === 'key.delete');
    expect(deletions).toHaveLength(3);
    await h.fail('/key/delete', { body: { keys: [a.key] } }, 404, 'key_not_found', 'keys');
    await h.fail('/key/delete', { body: {} }, 400, 'invalid_value', 'keys');
  });
});

let seq = 0;
function spendRow(apiKey: string, spend: number) {
  seq += 1;
  return {
    log_id: `log-change-${seq}-${Math.random().toString(36).slice(2)}`, request_id: `req-change-${seq}`, call_type: 'acompletion', api_key: apiKey,
    key_alias: null, team_id: null, user: null, model: 'gpt-4o-mini', model_group: null, custom_llm_provider: 'openai',
    model_id: null, startTime: T0, endTime: T0 + 10, completionStartTime: null, request_duration_ms: 10, prompt_tokens: 1,
    completion_tokens: 1, total_tokens: 2, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, reasoning_tokens: 0,
    spend, cache_hit: false, status: 'success' as const, status_code: 200, error_type: null, attempts: 1, metadata: {},
  };
}
