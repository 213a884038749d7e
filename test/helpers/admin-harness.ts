import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import { adminRoutes, type AdminCaller, type AdminRoute, type CacheChange } from '../../plugins/keys/admin/index.ts';
import { openKeysStore, type KeysStore } from '../../plugins/keys/store/index.ts';
import { createSchema, databaseUrl, dropSchemas, schemaName } from './pg-schema.ts';

/** 2026-03-18 12:00 UTC, a Wednesday: the clock every admin test starts at. */
export const T0 = Date.UTC(2026, 2, 18, 12, 0, 0);
export const DAY = 86_400_000;
export const USD = 1_000_000_000;

export interface CallInput {
  readonly body?: unknown;
  readonly query?: Record<string, string>;
  readonly caller?: AdminCaller;
}

/** The admin routes over a fresh, real store, with a manual clock and a record of invalidations. */
export interface AdminHarness {
  readonly store: KeysStore;
  readonly routes: readonly AdminRoute[];
  readonly clock: { t: number };
  readonly invalidations: CacheChange[];
  /** Every answer given so far (for the leak scan). */
  readonly answers: unknown[];
  /** Calls a route by path (the method is the route's own) as the master key unless told. */
  call<T = Record<string, unknown>>(path: string, input?: CallInput): Promise<T>;
  /** Calls and expects a GatewayError; returns it. */
  fail(path: string, input: CallInput, status: number, code: string, param?: string | null): Promise<GatewayError>;
}

type Opener = (now: () => number) => Promise<KeysStore>;

const stores: { name: string; skip: boolean; open: Opener; cleanup: () => Promise<void> }[] = (() => {
  const sqliteRoot = mkdtempSync(join(tmpdir(), 'sy-admin-'));
  let n = 0;
  const schemas: string[] = [];
  return [
    {
      name: 'SQLite',
      skip: false,
      open: async (now: () => number) => (await openKeysStore({ kind: 'sqlite', dataDir: join(sqliteRoot, `s${++n}`) }, now)).store,
      cleanup: async () => rmSync(sqliteRoot, { recursive: true, force: true }),
    },
    {
      name: 'PostgreSQL',
      skip: !databaseUrl,
      open: async (now: () => number) => {
        const schema = schemaName('admin');
        schemas.push(schema);
        await createSchema(schema);
        return (await openKeysStore({ kind: 'postgres', url: databaseUrl as string, schema }, now)).store;
      },
      cleanup: () => (schemas.length === 0 ? Promise.resolve() : dropSchemas(schemas.splice(0))),
    },
  ];
})();

/**
 * Runs `body` once per real store (SQLite always; PostgreSQL with DATABASE_URL), each test with
 * a fresh store from `fresh()`.
 */
export function forEachStore(body: (fresh: () => Promise<AdminHarness>) => void): void {
  for (const kind of stores) {
    describe.skipIf(kind.skip)(kind.name, () => {
      const open: KeysStore[] = [];
      afterEach(async () => {
        await Promise.all(open.splice(0).map((s) => s.close()));
      });
      afterAll(() => kind.cleanup());
      body(async () => {
        const clock = { t: T0 };
        const store = await kind.open(() => clock.t);
        open.push(store);
        return harness(store, clock);
      });
    });
  }
}

function harness(store: KeysStore, clock: { t: number }): AdminHarness {
  const invalidations: CacheChange[] = [];
  const answers: unknown[] = [];
  const routes = adminRoutes({ store, now: () => clock.t, invalidate: (c) => void invalidations.push(c) });
  const call = async <T>(path: string, input: CallInput = {}): Promise<T> => {
    const route = routes.find((r) => r.path === path);
    if (route === undefined) throw new Error(`no route ${path}`);
    const answer = await route.handle({
      body: input.body,
      query: new URLSearchParams(input.query ?? {}),
      caller: input.caller ?? { role: 'admin' },
    });
    // What the HTTP layer would send: JSON, so undefined fields and Dates are as the wire sees them.
    const wire = JSON.parse(JSON.stringify(answer)) as T;
    answers.push(wire);
    return wire;
  };
  const fail = async (path: string, input: CallInput, status: number, code: string, param?: string | null): Promise<GatewayError> => {
    const err: unknown = await call(path, input).then(
      (a) => new Error(`expected ${status} ${code}, got ${JSON.stringify(a)}`),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GatewayError);
    const g = err as GatewayError;
    expect({ status: g.status, code: g.extra.code }).toEqual({ status, code });
    if (param !== undefined) expect(g.toBody().error.param).toBe(param);
    answers.push(g.toBody());
    return g;
  };
  return { store, routes, clock, invalidations, answers, call, fail };
}
