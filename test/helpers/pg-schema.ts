import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL under test (.ci/run sets it); tests skip without it, as the Redis ones do. */
export const databaseUrl = process.env.DATABASE_URL;

/** A fresh schema name per call, so concurrent test runs on one server never see each other. */
export function schemaName(label: string): string {
  return `sy_${label}_${randomBytes(6).toString('hex')}`;
}

async function withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function createSchema(name: string): Promise<void> {
  return withClient(async (c) => {
    await c.query(`CREATE SCHEMA ${name}`);
  });
}

export function dropSchemas(names: readonly string[]): Promise<void> {
  return withClient(async (c) => {
    for (const name of names) await c.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  });
}

/** Rows of a query run inside one schema. */
export function queryIn(schema: string, sql: string): Promise<Record<string, unknown>[]> {
  return withClient(async (c) => {
    await c.query(`SET search_path TO ${schema}`);
    return (await c.query(sql)).rows as Record<string, unknown>[];
  });
}
