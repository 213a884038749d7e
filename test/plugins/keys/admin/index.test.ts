import { expect, test } from 'vitest';
import { adminRoutes } from '../../../../plugins/keys/admin/index.ts';
import { hashKey } from '../../../../plugins/keys/key-format.ts';
import type { KeysStore } from '../../../../plugins/keys/store/index.ts';
import { forEachStore, T0 } from '../../../helpers/admin-harness.ts';

type Rec = Record<string, unknown>;

test('every route of operator.md §3 and GET /spend/daily, with its method; only GET /key/info is self-service', () => {
  const routes = adminRoutes({ store: {} as KeysStore, invalidate: () => undefined });
  expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
    'GET /key/info', 'GET /key/list', 'GET /spend/daily', 'GET /spend/logs/v2', 'GET /team/info', 'GET /team/list',
    'POST /key/block', 'POST /key/delete', 'POST /key/generate', 'POST /key/import', 'POST /key/regenerate',
    'POST /key/unblock', 'POST /key/update', 'POST /team/delete', 'POST /team/new', 'POST /team/update', 'POST /v2/key/info',
  ]);
  expect(routes.filter((r) => r.allowVirtualKey === true).map((r) => r.path)).toEqual(['/key/info']);
  for (const r of routes) expect(r.summary.length).toBeGreaterThan(10);
});

/** Every 8-character piece of a key that could not be part of a hex hash (so a hash never matches by chance). */
function fragments(plaintext: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= plaintext.length; i += 1) {
    const piece = plaintext.slice(i, i + 8);
    if (!/^[0-9a-f]+$/.test(piece)) out.push(piece);
  }
  return out;
}

forEachStore((fresh) => {
  test('a virtual key is refused with 403 admin_only on every route but self-service info, before anything is read or written', async () => {
    const h = await fresh();
    const g = await h.call<Rec & { token_id: string }>('/key/generate', { body: {} });
    const caller = { role: 'key' as const, token: g.token_id };
    for (const route of h.routes.filter((r) => r.path !== '/key/info')) {
      const err = await h.fail(route.path, { body: { key: g.token_id, team_id: 'x', team_ids: ['x'], keys: [g.token_id] }, caller }, 403, 'admin_only');
      expect(err.type).toBe('permission_error');
    }
    expect(await h.store.getKey(g.token_id)).toMatchObject({ version: 1 });
    expect((await h.store.auditLog({ page: 1, size: 10 })).total).toBe(1);
  });

  test('no answer, error or audit row holds a plaintext key or a piece of one, except the key of generate/regenerate', async () => {
    const h = await fresh();
    // A custom key with no hex letters at all, so no hash can contain a piece of it by chance.
    const custom = 'sk-ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ-_';
    const plaintexts: string[] = [custom];
    const issued = async (path: string, body: Rec): Promise<Rec & { token_id: string }> => {
      const { key, ...rest } = await h.call<Rec & { key: string; token_id: string }>(path, { body });
      if (!plaintexts.includes(key)) plaintexts.push(key);
      h.answers.pop();
      h.answers.push(rest);
      return rest;
    };
    await h.call('/team/new', { body: { team_id: 'eng' } });
    const a = await issued('/key/generate', { key: custom, team_id: 'eng', key_alias: 'alpha' });
    const b = await issued('/key/generate', { max_budget: 5, budget_duration: '1d' });
    await h.call('/key/update', { body: { key: custom, rpm_limit: 3 } });
    await h.call('/key/update', { body: { key: plaintexts[1], tpm_limit: 3 } });
    await h.call('/key/info', { query: { key: a.token_id } });
    await h.call('/v2/key/info', { body: { keys: [custom, plaintexts[1]] } });
    await h.call('/key/list', { query: { return_full_object: 'true' } });
    await h.call('/key/block', { body: { key: custom } });
    await h.call('/key/unblock', { body: { key: custom } });
    const regenerated = await issued('/key/regenerate', { key: plaintexts[1] });
    await h.call('/key/info', { caller: { role: 'key', token: regenerated.token_id } });
    plaintexts.push('sk-QzXwVuTsRqPoNmLkJiHg-XYZW');
    await h.call('/key/import', { body: { key: plaintexts.at(-1) } });
    await h.call('/team/info', { query: { team_id: 'eng' } });
    await h.store.recordSpend([{
      log_id: 'r1', request_id: 'r1', call_type: 'acompletion', api_key: a.token_id, key_alias: 'alpha', team_id: 'eng', user: null, model: 'm',
      model_group: null, custom_llm_provider: null, model_id: null, startTime: T0, endTime: T0, completionStartTime: null,
      request_duration_ms: 1, prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0, reasoning_tokens: 0, spend: 5, cache_hit: false, status: 'success', status_code: 200,
      error_type: null, attempts: 1, metadata: {},
    }]);
    // Refusals that had a plaintext key in hand.
    const errors = [
      await h.fail('/spend/logs/v2', { query: { api_key: custom } }, 400, 'plaintext_key_in_query'),
      await h.fail('/key/info', { query: { key: custom } }, 400, 'plaintext_key_in_query'),
      await h.fail('/key/update', { body: { key: 'sk-ZyXwVuT-MnOpQr-QRSTUV' } }, 404, 'key_not_found'),
      await h.fail('/key/generate', { body: { key: custom } }, 409, 'key_exists'),
      await h.fail('/key/regenerate', { body: { key: custom, new_key: plaintexts.at(-1) } }, 409, 'key_exists'),
      await h.fail('/key/import', { body: { key: custom } }, 409, 'key_exists'),
      await h.fail('/key/block', { body: { key: 'sk-ZyXwVuT-MnOpQr-QRSTUV' } }, 404, 'key_not_found'),
    ];
    plaintexts.push('sk-ZyXwVuT-MnOpQr-QRSTUV');
    await h.call('/key/delete', { body: { keys: [custom] } });

    const audit = await h.store.auditLog({ page: 1, size: 100 });
    expect(audit.total).toBeGreaterThan(8);
    const haystacks = [...h.answers, ...audit.rows].map((x) => JSON.stringify(x));
    for (const text of haystacks) {
      for (const p of plaintexts) {
        expect(text).not.toContain(p);
        for (const piece of fragments(p)) expect(text).not.toContain(piece);
      }
    }
    // Errors name fields, never a key or a hash.
    const hashes = plaintexts.map(hashKey);
    for (const err of errors) {
      const body = JSON.stringify(err.toBody());
      for (const hash of hashes) expect(body).not.toContain(hash);
    }
    expect(b.token_id).toBe(hashKey(plaintexts[1] as string));
  });
});

test('the leak scan looks at every piece of a key that a hash could not hold', () => {
  expect(fragments('sk-abcdef0123456789')).toEqual(['sk-abcde', 'k-abcdef', '-abcdef0']);
  expect(fragments('0123456789abcdef')).toEqual([]);
});
