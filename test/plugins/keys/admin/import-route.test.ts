import { expect, test } from 'vitest';
import { hashKey, keyName } from '../../../../plugins/keys/key-format.ts';
import { DAY, forEachStore, T0, USD } from '../../../helpers/admin-harness.ts';

type Rec = Record<string, unknown>;

/** A row as LiteLLM exports it: its token is the SHA-256 of the key its user holds. */
function litellmRow(plaintext: string, fields: Rec = {}): Rec {
  return {
    token: hashKey(plaintext), key_name: keyName(plaintext), key_alias: null, spend: 1.5, max_budget: 10, expires: null,
    models: ['gpt-4o'], tpm_limit: null, rpm_limit: 60, max_parallel_requests: null, team_id: null, user_id: 'u1',
    metadata: {}, blocked: null, budget_duration: null, created_at: '2025-11-02T10:00:00.000000+00:00',
    aliases: {}, config: {}, permissions: {}, soft_budget_cooldown: false, ...fields,
  };
}

forEachStore((fresh) => {
  test('a LiteLLM row keeps its hash, spend and creation time: the key its user holds works here', async () => {
    const h = await fresh();
    const plaintext = 'sk-litellm-user-key-abcd';
    expect(await h.call('/key/import', { body: litellmRow(plaintext, { expires: '2027-01-01T00:00:00' }) })).toEqual({ imported: 1, skipped: 0 });
    const row = await h.store.getKey(hashKey(plaintext));
    expect(row).toMatchObject({
      key_name: 'sk-...abcd', spend: 1.5 * USD, max_budget: 10 * USD, models: ['gpt-4o'], rpm_limit: 60, user_id: 'u1',
      blocked: false, created_at: Date.UTC(2025, 10, 2, 10), expires: Date.UTC(2027, 0, 1),
    });
    expect(h.invalidations).toEqual([{ tokens: [hashKey(plaintext)] }]);
    const [audit] = (await h.store.auditLog({ page: 1, size: 5 })).rows;
    expect(audit).toMatchObject({ actor: 'master', action: 'key.import', object_id: hashKey(plaintext) });
  });

  test('{keys: [...]}: LiteLLM rows and plaintext keys together; key_name never holds more than 4 characters', async () => {
    const h = await fresh();
    const answer = await h.call('/key/import', {
      body: { keys: [litellmRow('sk-one-1111'), { key: 'sk-two-plain-2222', rpm_limit: 5 }, { token: hashKey('sk-three-3333'), key_name: 'sk-three-3333' }] },
    });
    expect(answer).toEqual({ imported: 3, skipped: 0 });
    expect((await h.store.getKey(hashKey('sk-two-plain-2222')))?.key_name).toBe('sk-...2222');
    expect((await h.store.getKey(hashKey('sk-three-3333')))?.key_name).toBe('sk-...3333');
    expect(h.invalidations).toEqual([{ tokens: [hashKey('sk-one-1111'), hashKey('sk-two-plain-2222'), hashKey('sk-three-3333')] }]);
  });

  test('existing keys: 409 key_exists naming the item and nothing imported, or skipped with skip_existing', async () => {
    const h = await fresh();
    await h.call('/key/import', { body: litellmRow('sk-old-0000') });
    const batch = [litellmRow('sk-new-1111'), litellmRow('sk-old-0000')];
    await h.fail('/key/import', { body: { keys: batch } }, 409, 'key_exists', 'keys[1].token');
    expect(await h.store.getKey(hashKey('sk-new-1111'))).toBeUndefined();
    expect(await h.call('/key/import', { body: { keys: batch, skip_existing: true } })).toEqual({ imported: 1, skipped: 1 });
    await h.fail('/key/import', { body: litellmRow('sk-old-0000') }, 409, 'key_exists', 'token');
  });

  test('refusals name the item and field; a refused batch imports nothing', async () => {
    const h = await fresh();
    const ok = litellmRow('sk-fine-0001');
    await h.fail('/key/import', { body: { keys: [ok, litellmRow('sk-x', { max_budget: 'ten' })] } }, 400, 'invalid_value', 'keys[1].max_budget');
    await h.fail('/key/import', { body: { keys: [ok, litellmRow('sk-x', { budget_duration: 'fortnightly' })] } }, 400, 'invalid_value', 'keys[1].budget_duration');
    await h.fail('/key/import', { body: { keys: [ok, { rpm_limit: 1 }] } }, 400, 'invalid_value', 'keys[1].token');
    await h.fail('/key/import', { body: { keys: [ok, { token: 'abc' }] } }, 400, 'invalid_value', 'keys[1].token');
    await h.fail('/key/import', { body: { keys: [ok, { key: 'sk-a', token: hashKey('sk-b') }] } }, 400, 'invalid_value', 'keys[1].token');
    await h.fail('/key/import', { body: { keys: [ok, ok] } }, 400, 'invalid_value', 'keys[1].token');
    await h.fail('/key/import', { body: { keys: [ok, litellmRow('sk-y', { created_at: 'yesterday' })] } }, 400, 'invalid_value', 'keys[1].created_at');
    await h.fail('/key/import', { body: { keys: [ok, litellmRow('sk-y', { model_max_budget: { m: 1 } })] } }, 400, 'unsupported_parameter', 'keys[1].model_max_budget');
    await h.fail('/key/import', { body: { keys: [] } }, 400, 'invalid_value', 'keys');
    await h.fail('/key/import', {
      body: { keys: [litellmRow('sk-a1', { key_alias: 'dup' }), litellmRow('sk-a2', { key_alias: 'dup' })] },
    }, 409, 'key_alias_taken', 'keys[1].key_alias');
    expect((await h.store.listKeys({ page: 1, size: 10 })).total).toBe(0);
    expect(h.invalidations).toEqual([]);
  });

  test("an imported key's budget window starts at the import; a duration counts from now", async () => {
    const h = await fresh();
    await h.call('/key/import', { body: { key: 'sk-window-0001', spend: 2, max_budget: 5, budget_duration: '1d', duration: '7d' } });
    const info = await h.call<{ info: Rec }>('/key/info', { query: { key: hashKey('sk-window-0001') } });
    expect(info.info).toMatchObject({ spend: 2, budget_reset_at: '2026-03-19T00:00:00.000Z', expires: new Date(T0 + 7 * DAY).toISOString() });
  });
});
