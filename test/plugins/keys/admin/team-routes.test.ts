import { expect, test } from 'vitest';
import { forEachStore, T0, USD } from '../../../helpers/admin-harness.ts';

type Rec = Record<string, unknown>;

forEachStore((fresh) => {
  test('team/new: the team record with USD budget; a generated team_id when none is given; audited', async () => {
    const h = await fresh();
    const team = await h.call('/team/new', {
      body: { team_id: 'eng', team_alias: 'Engineering', models: ['gpt-4o'], max_budget: 100, budget_duration: '1mo', tpm_limit: 1000, rpm_limit: 10, max_parallel_requests: 2, metadata: { cc: 1 } },
    });
    expect(team).toEqual({
      team_id: 'eng', team_alias: 'Engineering', models: ['gpt-4o'], spend: 0, max_budget: 100, budget_duration: '1mo',
      budget_reset_at: '2026-04-01T00:00:00.000Z', tpm_limit: 1000, rpm_limit: 10, max_parallel_requests: 2, metadata: { cc: 1 },
      blocked: false, created_at: new Date(T0).toISOString(), updated_at: new Date(T0).toISOString(),
    });
    expect((await h.store.getTeam('eng'))?.max_budget).toBe(100 * USD);
    const generated = await h.call<Rec>('/team/new', { body: {} });
    expect(generated.team_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.invalidations).toEqual([{ teams: ['eng'] }, { teams: [generated.team_id] }]);
    const actions = (await h.store.auditLog({ page: 1, size: 10, object_type: 'team' })).rows.map((r) => [r.action, r.object_id]);
    expect(actions).toEqual([['team.create', generated.team_id], ['team.create', 'eng']]);
    await h.fail('/team/new', { body: { team_id: 'eng' } }, 409, 'team_exists', 'team_id');
    await h.fail('/team/new', { body: { rpm_limit: -1 } }, 400, 'invalid_value', 'rpm_limit');
    await h.fail('/team/new', { body: { budget_duration: 'sometimes' } }, 400, 'invalid_value', 'budget_duration');
    await h.fail('/team/new', { body: { spend: 3 } }, 400, 'unsupported_parameter', 'spend');
  });

  test('team/update: changes fields, null clears; 404 for an unknown team; invalidates the team', async () => {
    const h = await fresh();
    await h.call('/team/new', { body: { team_id: 'eng', rpm_limit: 10, max_budget: 5 } });
    h.clock.t = T0 + 5000;
    const team = await h.call('/team/update', { body: { team_id: 'eng', rpm_limit: 20, max_budget: null, blocked: true } });
    expect(team).toMatchObject({ team_id: 'eng', rpm_limit: 20, max_budget: null, blocked: true, updated_at: new Date(T0 + 5000).toISOString() });
    expect(h.invalidations.at(-1)).toEqual({ teams: ['eng'] });
    const [audit] = (await h.store.auditLog({ page: 1, size: 1 })).rows;
    expect(audit).toMatchObject({ action: 'team.update', object_id: 'eng' });
    await h.fail('/team/update', { body: { team_id: 'ghost', rpm_limit: 1 } }, 404, 'team_not_found', 'team_id');
    await h.fail('/team/update', { body: { team_id: 'ghost' } }, 404, 'team_not_found', 'team_id');
    await h.fail('/team/update', { body: { rpm_limit: 1 } }, 400, 'invalid_value', 'team_id');
  });

  test('team/info: the team and its keys (records, no plaintext); team/list: every team or one page', async () => {
    const h = await fresh();
    await h.call('/team/new', { body: { team_id: 'eng' } });
    h.clock.t = T0 + 1;
    await h.call('/team/new', { body: { team_id: 'ops' } });
    const k = await h.call<Rec & { key: string; token_id: string }>('/key/generate', { body: { team_id: 'eng', key_alias: 'e1' } });
    await h.call('/key/generate', { body: { team_id: 'ops' } });
    const info = await h.call<{ team_id: string; team_info: Rec; keys: Rec[] }>('/team/info', { query: { team_id: 'eng' } });
    expect(info.team_id).toBe('eng');
    expect(info.team_info).toMatchObject({ team_id: 'eng' });
    expect(info.keys.map((r) => r.token_id)).toEqual([k.token_id]);
    expect(info.keys[0]).not.toHaveProperty('key');
    await h.fail('/team/info', { query: { team_id: 'ghost' } }, 404, 'team_not_found', 'team_id');
    await h.fail('/team/info', { query: {} }, 400, 'invalid_value', 'team_id');
    const all = await h.call<Rec[]>('/team/list');
    expect(all.map((t) => t.team_id)).toEqual(['ops', 'eng']);
    const page2 = await h.call<Rec[]>('/team/list', { query: { page: '2', size: '1' } });
    expect(page2.map((t) => t.team_id)).toEqual(['eng']);
    await h.fail('/team/list', { query: { size: '500' } }, 400, 'invalid_value', 'size');
  });

  test('team/delete: the teams and their keys go, both are invalidated and audited; none found is 404', async () => {
    const h = await fresh();
    await h.call('/team/new', { body: { team_id: 'eng' } });
    await h.call('/team/new', { body: { team_id: 'keep' } });
    const k = await h.call<Rec & { token_id: string }>('/key/generate', { body: { team_id: 'eng' } });
    const kept = await h.call<Rec & { token_id: string }>('/key/generate', { body: { team_id: 'keep' } });
    const answer = await h.call('/team/delete', { body: { team_ids: ['eng', 'ghost'] } });
    expect(answer).toEqual({ deleted_teams: ['eng'], deleted_keys: [k.token_id] });
    expect(h.invalidations.at(-1)).toEqual({ tokens: [k.token_id], teams: ['eng'] });
    expect(await h.store.getKey(k.token_id)).toBeUndefined();
    expect(await h.store.getKey(kept.token_id)).toBeDefined();
    const actions = (await h.store.auditLog({ page: 1, size: 2 })).rows.map((r) => r.action).sort();
    expect(actions).toEqual(['key.delete', 'team.delete']);
    await h.fail('/team/delete', { body: { team_ids: ['eng'] } }, 404, 'team_not_found', 'team_ids');
    await h.fail('/team/delete', { body: { team_ids: [] } }, 400, 'invalid_value', 'team_ids');
  });
});
