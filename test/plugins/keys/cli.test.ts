import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { runKeysCli } from '../../../plugins/keys/cli.ts';
import { hashKey } from '../../../plugins/keys/key-format.ts';
import { openKeysStore, type KeysStore } from '../../../plugins/keys/store/index.ts';
import { runNode } from '../../helpers/cli.ts';
import { createSchema, databaseUrl, dropSchemas, schemaName } from '../../helpers/pg-schema.ts';

const root = mkdtempSync(join(tmpdir(), 'sy-keys-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dataDir = () => join(root, `d${++n}`);

/** `switchyard keys …` as a user runs it, with the store in `dir`. */
const keys = (dir: string, ...args: string[]) => runNode('bin/switchyard.js', ['keys', ...args], { SWITCHYARD_DATA_DIR: dir });

async function withStore<T>(dir: string, fn: (s: KeysStore) => Promise<T>): Promise<T> {
  const { store } = await openKeysStore({ kind: 'sqlite', dataDir: dir });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe('switchyard keys (the real CLI)', () => {
  test('generate → list → block → unblock, in the SQLite store of SWITCHYARD_DATA_DIR, audited as cli', async () => {
    const dir = dataDir();
    const gen = await keys(dir, 'generate', '--alias', 'ci-bot', '--models', 'gpt-4o, claude-sonnet', '--rpm', '5', '--tpm', '1000',
      '--budget', '2.5', '--budget-duration', '30d', '--duration', '7d');
    expect(gen.stderr).toBe('');
    expect(gen.code).toBe(0);
    const created = JSON.parse(gen.stdout) as Record<string, unknown> & { key: string; token_id: string };
    expect(created.key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({
      token_id: hashKey(created.key), key_alias: 'ci-bot', models: ['gpt-4o', 'claude-sonnet'], rpm_limit: 5, tpm_limit: 1000,
      max_budget: 2.5, budget_duration: '30d', blocked: false,
    });
    expect(created.expires).not.toBeNull();

    const list = await keys(dir, 'list');
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]?.split(/\s+/)).toEqual(['TOKEN_ID', 'KEY_NAME', 'ALIAS', 'TEAM', 'SPEND_USD', 'STATE']);
    expect(lines[1]?.split(/\s+/)).toEqual([created.token_id, created.key_name, 'ci-bot', '-', '0.000000', 'active']);
    expect(lines[2]).toBe('page 1 of 1 (1 keys)');
    expect(list.stdout).not.toContain(created.key);

    const block = await keys(dir, 'block', created.key);
    expect(block.code).toBe(0);
    expect(JSON.parse(block.stdout)).toMatchObject({ token_id: created.token_id, blocked: true });
    expect(block.stdout).not.toContain(created.key);
    expect((await keys(dir, 'list')).stdout.split('\n')[1]?.split(/\s+/).at(-1)).toBe('blocked');

    const unblock = await keys(dir, 'unblock', created.token_id);
    expect(JSON.parse(unblock.stdout)).toMatchObject({ blocked: false });

    await withStore(dir, async (s) => {
      expect(await s.getKey(created.token_id)).toMatchObject({ blocked: false, rpm_limit: 5, max_budget: 2_500_000_000 });
      const audit = (await s.auditLog({ page: 1, size: 10 })).rows.map((r) => [r.actor, r.action]);
      expect(audit).toEqual([['cli', 'key.unblock'], ['cli', 'key.block'], ['cli', 'key.create']]);
    });
  }, 120_000);

  test('mistakes are exit 2 with usage, refusals exit 1 naming the field; list --json; --help (in process)', async () => {
    const dir = dataDir();
    const run = async (...args: string[]) => {
      let stdout = '';
      let stderr = '';
      const out = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } };
      const code = await runKeysCli(args, { SWITCHYARD_DATA_DIR: dir }, out);
      return { code, stdout, stderr };
    };
    const json = await run('list', '--json', '--page', '2');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ keys: [], total_count: 0, current_page: 2, total_pages: 0 });
    const badNumber = await run('generate', '--rpm', 'ten');
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toContain('--rpm must be a whole number');
    expect(badNumber.stderr).toContain('usage:');
    expect((await run('generate', '--budget', '-5')).code).toBe(2);
    expect((await run('generate', '--colour', 'red')).code).toBe(2);
    expect((await run('block')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('toString')).code).toBe(2);
    expect((await run()).code).toBe(2);
    const unknown = await run('block', 'sk-not-a-key-at-all');
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'error: no such key (key)\n' });
    const noTeam = await run('generate', '--team', 'ghost');
    expect(noTeam).toEqual({ code: 1, stdout: '', stderr: 'error: no such team (team_id)\n' });
    const badDuration = await run('generate', '--budget-duration', 'yearly');
    expect(badDuration.code).toBe(1);
    expect(badDuration.stderr).toContain('(budget_duration)');
    const teamKeys = await run('list', '--team', 'eng', '--json');
    expect(JSON.parse(teamKeys.stdout)).toMatchObject({ total_count: 0 });
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('switchyard keys import --from-litellm');
  });
});

/** The CLI in process, its output collected. */
async function inProcess(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } };
  const code = await runKeysCli(args, env, out);
  return { code, stdout, stderr };
}

describe('switchyard keys update and delete', () => {
  test('update changes only the given fields (audited); delete takes keys or hashes; mistakes are exit 2', async () => {
    const env = { SWITCHYARD_DATA_DIR: dataDir() };
    const a = JSON.parse((await inProcess(env, 'generate', '--alias', 'a', '--rpm', '5')).stdout) as { key: string; token_id: string };
    const b = JSON.parse((await inProcess(env, 'generate', '--alias', 'b')).stdout) as { key: string; token_id: string };
    const updated = await inProcess(env, 'update', a.key, '--tpm', '900', '--models', 'gpt-4o-mini', '--budget', '1.5');
    expect(updated.stderr).toBe('');
    expect(JSON.parse(updated.stdout)).toMatchObject({ token_id: a.token_id, key_alias: 'a', rpm_limit: 5, tpm_limit: 900, models: ['gpt-4o-mini'], max_budget: 1.5 });
    expect(updated.stdout).not.toContain(a.key);
    expect((await inProcess(env, 'update', a.token_id)).code).toBe(2);
    expect((await inProcess(env, 'update', '--rpm', '1')).code).toBe(2);
    expect((await inProcess(env, 'delete')).code).toBe(2);
    const deleted = await inProcess(env, 'delete', a.key, b.token_id);
    expect(JSON.parse(deleted.stdout)).toEqual({ deleted_keys: expect.arrayContaining([a.token_id, b.token_id]) });
    expect(await inProcess(env, 'delete', a.key)).toEqual({ code: 1, stdout: '', stderr: 'error: no such key (keys)\n' });
    await withStore(env.SWITCHYARD_DATA_DIR, async (s) => {
      expect((await s.listKeys({ page: 1, size: 10 })).total).toBe(0);
      const audit = (await s.auditLog({ page: 1, size: 10 })).rows.map((r) => r.action);
      expect(audit.filter((x) => x === 'key.update')).toHaveLength(1);
    });
  });
});

describe.skipIf(!process.env.REDIS_URL)('switchyard keys with REDIS_URL: changes reach running gateways', () => {
  test("every change is published on the gateways' invalidation channel (hashes only), under SWITCHYARD_REDIS_PREFIX", async () => {
    const prefix = `sy-test-cli-${randomUUID()}:`;
    const env = { SWITCHYARD_DATA_DIR: dataDir(), REDIS_URL: process.env.REDIS_URL as string, SWITCHYARD_REDIS_PREFIX: prefix };
    const sub = new Redis(env.REDIS_URL);
    const messages: string[] = [];
    sub.on('message', (_channel: string, message: string) => messages.push(message));
    await sub.subscribe(`${prefix}keys:invalidate`);
    try {
      const made = JSON.parse((await inProcess(env, 'generate', '--alias', 'pub')).stdout) as { key: string; token_id: string };
      for (const args of [['block', made.key], ['unblock', made.token_id], ['update', made.key, '--rpm', '3'], ['delete', made.key]]) {
        const r = await inProcess(env, ...args);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
      }
      const deadline = Date.now() + 5_000;
      while (messages.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(messages.map((m) => JSON.parse(m))).toEqual(Array.from({ length: 5 }, () => ({ tokens: [made.token_id] })));
      expect(messages.join('')).not.toContain(made.key.slice(3, 11));
    } finally {
      await sub.quit();
    }
  });

  test('Redis unreachable: the change is saved, exit 0, with a warning that gateways see it when their cache expires', async () => {
    const env = { SWITCHYARD_DATA_DIR: dataDir(), REDIS_URL: 'redis://127.0.0.1:1' };
    const r = await inProcess(env, 'generate', '--alias', 'offline');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ key_alias: 'offline' });
    expect(r.stderr).toMatch(/^warning: saved, but running gateways could not be told through Redis \(.+\); they see the change when their cached record expires\n$/);
  });
});

describe.skipIf(!databaseUrl)('switchyard keys import --from-litellm', () => {
  const schemas: string[] = [];
  afterAll(() => dropSchemas(schemas));

  /** LiteLLM's table as its Prisma migration creates it (the columns the import reads, and some it ignores). */
  async function litellmDatabase(rows: readonly string[]): Promise<string> {
    const schema = schemaName('litellm');
    schemas.push(schema);
    await createSchema(schema);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${schema}`);
      await client.query(`CREATE TABLE "LiteLLM_VerificationToken" (
        "token" TEXT NOT NULL PRIMARY KEY, "key_name" TEXT, "key_alias" TEXT,
        "soft_budget_cooldown" BOOLEAN NOT NULL DEFAULT false, "spend" DOUBLE PRECISION NOT NULL DEFAULT 0.0,
        "expires" TIMESTAMP(3), "models" TEXT[], "aliases" JSONB NOT NULL DEFAULT '{}', "config" JSONB NOT NULL DEFAULT '{}',
        "user_id" TEXT, "team_id" TEXT, "permissions" JSONB NOT NULL DEFAULT '{}', "max_parallel_requests" INTEGER,
        "metadata" JSONB NOT NULL DEFAULT '{}', "blocked" BOOLEAN, "tpm_limit" BIGINT, "rpm_limit" BIGINT,
        "max_budget" DOUBLE PRECISION, "budget_duration" TEXT, "budget_reset_at" TIMESTAMP(3),
        "allowed_cache_controls" TEXT[] DEFAULT ARRAY[]::TEXT[], "model_spend" JSONB NOT NULL DEFAULT '{}',
        "model_max_budget" JSONB NOT NULL DEFAULT '{}', "budget_id" TEXT, "organization_id" TEXT,
        "created_at" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP, "created_by" TEXT, "updated_at" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP,
        "updated_by" TEXT)`);
      for (const sql of rows) await client.query(sql);
    } finally {
      await client.end();
    }
    const url = new URL(databaseUrl as string);
    url.searchParams.set('schema', schema);
    return url.toString();
  }

  const alice = 'sk-alice-litellm-key-0001';
  const bob = 'sk-bob-litellm-key-0002';
  const carol = 'sk-carol-litellm-key-0003';

  test("LiteLLM users keep their keys: hashes, spend, limits, expiry and metadata's per-model limits; a re-run skips them", async () => {
    const url = await litellmDatabase([
      `INSERT INTO "LiteLLM_VerificationToken" (token, key_name, key_alias, spend, expires, models, user_id, team_id, max_parallel_requests,
         metadata, blocked, tpm_limit, rpm_limit, max_budget, budget_duration, created_at)
       VALUES ('${hashKey(alice)}', 'sk-...0001', 'alice', 1.25, '2027-01-31 10:00:00', ARRAY['gpt-4o','claude-sonnet'], 'u-alice', 'eng', 3,
         '{"model_rpm_limit": {"gpt-4o": 7}, "model_tpm_limit": {"gpt-4o": 700}, "tags": ["prod"], "owner": "alice"}', NULL, 10000, 60, 20.5, '30d',
         '2025-06-01 08:30:00')`,
      `INSERT INTO "LiteLLM_VerificationToken" (token, key_name, models, blocked, created_at)
       VALUES ('${hashKey(bob)}', 'sk-...0002', ARRAY['all-proxy-models'], true, '2025-06-02 00:00:00')`,
      `INSERT INTO "LiteLLM_VerificationToken" (token, key_name) VALUES ('${hashKey(carol)}', 'sk-...0003')`,
    ]);
    const dir = dataDir();
    const first = await runNode('bin/switchyard.js', ['keys', 'import', '--from-litellm', url], { SWITCHYARD_DATA_DIR: dir });
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('imported 3 keys, skipped 0 already present (3 rows in LiteLLM)\n');
    expect(first.code).toBe(0);
    const again = await runNode('bin/switchyard.js', ['keys', 'import', '--from-litellm', url], { SWITCHYARD_DATA_DIR: dir });
    expect(again.stdout).toBe('imported 0 keys, skipped 3 already present (3 rows in LiteLLM)\n');

    await withStore(dir, async (s) => {
      expect(await s.getKey(hashKey(alice))).toMatchObject({
        key_name: 'sk-...0001', key_alias: 'alice', spend: 1_250_000_000, expires: Date.UTC(2027, 0, 31, 10), models: ['gpt-4o', 'claude-sonnet'],
        user_id: 'u-alice', team_id: 'eng', max_parallel_requests: 3, tpm_limit: 10000, rpm_limit: 60, max_budget: 20_500_000_000,
        budget_duration: '30d', blocked: false, model_rpm_limit: { 'gpt-4o': 7 }, model_tpm_limit: { 'gpt-4o': 700 }, tags: ['prod'],
        created_at: Date.UTC(2025, 5, 1, 8, 30),
      });
      expect((await s.getKey(hashKey(alice)))?.metadata).toMatchObject({ owner: 'alice' });
      expect(await s.getKey(hashKey(bob))).toMatchObject({ models: [], blocked: true, spend: 0, expires: null, created_at: Date.UTC(2025, 5, 2) });
      expect(await s.getKey(hashKey(carol))).toMatchObject({ key_name: 'sk-...0003', models: [], max_budget: null, team_id: null });
      const audit = await s.auditLog({ page: 1, size: 10 });
      expect(audit.rows.map((r) => [r.actor, r.action])).toEqual(Array.from({ length: 3 }, () => ['cli', 'key.import']));
    });
  }, 60_000);

  test('a refused row is named by its place in the LiteLLM table, and nothing of its batch is imported', async () => {
    const url = await litellmDatabase([
      `INSERT INTO "LiteLLM_VerificationToken" (token, key_alias, created_at) VALUES ('${hashKey(alice)}', 'shared', '2025-01-01')`,
      `INSERT INTO "LiteLLM_VerificationToken" (token, key_alias, created_at) VALUES ('${hashKey(bob)}', 'shared', '2025-01-02')`,
    ]);
    let stderr = '';
    const out = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } };
    const dir = dataDir();
    expect(await runKeysCli(['import', '--from-litellm', url], { SWITCHYARD_DATA_DIR: dir }, out)).toBe(1);
    expect(stderr).toBe('error: key_alias is taken by another key (LiteLLM row 2: key_alias)\n');
    await withStore(dir, async (s) => expect((await s.listKeys({ page: 1, size: 10 })).total).toBe(0));
  });

  test('a database without the LiteLLM table, or a bad URL, is exit 1 or 2 with a reason', async () => {
    const url = new URL(databaseUrl as string);
    const empty = schemaName('empty');
    schemas.push(empty);
    await createSchema(empty);
    url.searchParams.set('schema', empty);
    const missing = await runNode('bin/switchyard.js', ['keys', 'import', '--from-litellm', url.toString()], { SWITCHYARD_DATA_DIR: dataDir() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no LiteLLM_VerificationToken table');
    const silent = { stdout: { write: () => true }, stderr: { write: () => true } };
    expect(await runKeysCli(['import', '--from-litellm', 'mysql://x'], { SWITCHYARD_DATA_DIR: dataDir() }, silent)).toBe(2);
  }, 60_000);
});
