import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { accrue, preferNewer, storeLocationFromEnv } from '../../../../plugins/keys/store/index.ts';
import { firstResetAt } from '../../../../plugins/keys/store/spend-accrual.ts';

const T0 = Date.UTC(2026, 2, 18, 12);

describe('spend accrual over budget windows', () => {
  test('no budget_duration: all-time spend', () => {
    expect(accrue({ spend: 10, budget_duration: null, budget_reset_at: null }, 5, T0)).toEqual({ spend: 15, budget_duration: null, budget_reset_at: null });
  });

  test('the first spend opens the window; later spend in it adds up', () => {
    const first = accrue({ spend: 0, budget_duration: 'daily', budget_reset_at: null }, 5, T0);
    expect(first).toEqual({ spend: 5, budget_duration: 'daily', budget_reset_at: Date.UTC(2026, 2, 19) });
    expect(accrue(first, 7, T0 + 1000).spend).toBe(12);
  });

  test('spend past the window end starts the window holding it', () => {
    const s = { spend: 900, budget_duration: '1h', budget_reset_at: T0 };
    expect(accrue(s, 4, T0 + 2.5 * 3_600_000)).toEqual({ spend: 4, budget_duration: '1h', budget_reset_at: T0 + 3 * 3_600_000 });
    const monthly = { spend: 900, budget_duration: 'monthly', budget_reset_at: Date.UTC(2026, 3, 1) };
    expect(accrue(monthly, 4, Date.UTC(2026, 5, 10))).toMatchObject({ spend: 4, budget_reset_at: Date.UTC(2026, 6, 1) });
  });

  test('spend from before the current window is not charged to it', () => {
    const s = { spend: 50, budget_duration: 'weekly', budget_reset_at: Date.UTC(2026, 2, 23) };
    expect(accrue(s, 4, Date.UTC(2026, 2, 15, 23))).toBe(s);
    expect(accrue(s, 4, Date.UTC(2026, 2, 16)).spend).toBe(54);
  });

  test('firstResetAt: the end of the window holding now, null without a valid duration', () => {
    expect(firstResetAt('weekly', T0)).toBe(Date.UTC(2026, 2, 23));
    expect(firstResetAt('30s', T0)).toBe(T0 + 30_000);
    expect(firstResetAt(null, T0)).toBeNull();
    expect(firstResetAt('1y', T0)).toBeNull();
  });
});

describe('store location from the environment', () => {
  test('DATABASE_URL postgres:// or postgresql:// selects PostgreSQL', () => {
    expect(storeLocationFromEnv({ DATABASE_URL: 'postgres://u@h/db' })).toEqual({ kind: 'postgres', url: 'postgres://u@h/db' });
    expect(storeLocationFromEnv({ DATABASE_URL: 'postgresql://u@h/db' }).kind).toBe('postgres');
  });

  test('otherwise SQLite in SWITCHYARD_DATA_DIR, default ./.switchyard', () => {
    expect(storeLocationFromEnv({})).toEqual({ kind: 'sqlite', dataDir: './.switchyard' });
    expect(storeLocationFromEnv({ DATABASE_URL: '', SWITCHYARD_DATA_DIR: '/var/sy' })).toEqual({ kind: 'sqlite', dataDir: '/var/sy' });
  });

  test('a DATABASE_URL of another kind is an error, not a silent SQLite', () => {
    expect(() => storeLocationFromEnv({ DATABASE_URL: 'mysql://h/db' })).toThrow(/postgres/);
  });
});

describe('preferNewer', () => {
  test('a cache keeps the higher version; an equal one is replaced', () => {
    const v2 = { version: 2, blocked: true };
    const v1 = { version: 1, blocked: false };
    expect(preferNewer(v2, v1)).toBe(v2);
    expect(preferNewer(v1, v2)).toBe(v2);
    expect(preferNewer(undefined, v1)).toBe(v1);
    const v2b = { version: 2, blocked: false };
    expect(preferNewer(v2, v2b)).toBe(v2b);
  });
});

describe('lazy drivers', () => {
  test('importing the store loads neither better-sqlite3 nor pg', () => {
    const script = `
      import { createRequire } from 'node:module';
      await import('./plugins/keys/store/index.ts');
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      process.stdout.write(JSON.stringify(loaded.filter((p) => /node_modules\\/(better-sqlite3|pg)\\//.test(p))));
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([]);
  }, 60_000);
});
