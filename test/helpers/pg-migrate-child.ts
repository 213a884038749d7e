/**
 * Child process for the concurrent-migration test: opens the store on a schema (which migrates
 * it) and prints how many migrations this process applied, as JSON on stdout.
 * argv: DATABASE_URL schema
 */
import { openKeysStore } from '../../plugins/keys/store/index.ts';

const [url, schema] = process.argv.slice(2);
if (url === undefined || schema === undefined) throw new Error('usage: pg-migrate-child URL SCHEMA');
const { store, migrated } = await openKeysStore({ kind: 'postgres', url, schema });
await store.close();
process.stdout.write(JSON.stringify({ migrated }));
