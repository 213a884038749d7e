import { invalidParam } from 'switchyard';
import { hashKey, keyName } from '../key-format.ts';
import { usdToNano } from '../money.ts';
import type { NewKey } from '../store/index.ts';
import { conflict, storeCall } from './errors.ts';
import { isoTime, keyPatchFrom, refuseUnsupported } from './fields.ts';
import { importBatchSchema, importOneSchema, type ImportItem } from './schemas.ts';
import type { AdminContext, AdminRoute } from './types.ts';
import { bodyValidator } from './validate.ts';

const validBatch = bodyValidator(importBatchSchema);
const validOne = bodyValidator(importOneSchema);

export interface ImportAnswer {
  readonly imported: number;
  /** Keys already stored, left as they are (only with `skip_existing: true`). */
  readonly skipped: number;
}

/**
 * POST /key/import: keys that exist elsewhere keep working here. A LiteLLM row keeps its `token`
 * (the same SHA-256), spend and creation time; a plaintext `key` is hashed. Everything is checked
 * before the first write, so a refused batch imports nothing.
 */
export function importRoute(ctx: AdminContext): AdminRoute {
  const { store, now, invalidate, actor } = ctx;
  return {
    method: 'POST',
    path: '/key/import',
    summary: 'Import existing keys ({token, …fields} or {keys: [...]}): LiteLLM rows keep their hash and spend',
    async handle(req): Promise<ImportAnswer> {
      const isBatch = typeof req.body === 'object' && req.body !== null && Object.hasOwn(req.body, 'keys');
      const { items, skipExisting, prefix } = isBatch
        ? (({ keys, skip_existing }) => ({ items: keys, skipExisting: skip_existing === true, prefix: (i: number) => `keys[${i}].` }))(validBatch(req.body))
        : (({ skip_existing, ...item }) => ({ items: [item], skipExisting: skip_existing === true, prefix: () => '' }))(validOne(req.body));
      const at = now();
      const rows = items.map((item, i) => newKeyFrom(item, at, prefix(i)));

      const existing = new Set((await store.getKeys(rows.map((r) => r.token))).map((r) => r.token));
      const seen = new Map<string, number>();
      const aliases = new Map<string, number>();
      const todo: { row: NewKey; index: number }[] = [];
      for (const [i, row] of rows.entries()) {
        if (seen.has(row.token)) throw invalidParam(`${prefix(i)}token`, 'this key appears twice in the import');
        seen.set(row.token, i);
        if (existing.has(row.token)) {
          if (skipExisting) continue;
          throw conflict('key_exists', 'this key exists already (send skip_existing: true to import only the new ones)', `${prefix(i)}token`);
        }
        const alias = row.key_alias;
        if (typeof alias === 'string') {
          if (aliases.has(alias) || (await store.getKeyByAlias(alias)) !== undefined) {
            throw conflict('key_alias_taken', 'key_alias is taken by another key', `${prefix(i)}key_alias`);
          }
          aliases.set(alias, i);
        }
        todo.push({ row, index: i });
      }

      const created: string[] = [];
      try {
        for (const { row, index } of todo) {
          await storeCall(() => store.createKey(row, { actor, action: 'key.import' }), { prefix: prefix(index) });
          created.push(row.token);
        }
      } finally {
        if (created.length > 0) await invalidate({ tokens: created });
      }
      return { imported: created.length, skipped: rows.length - todo.length };
    },
  };
}

/** One validated item as a store row; 400 naming the item's field for anything wrong. */
function newKeyFrom(item: ImportItem, at: number, prefix: string): NewKey {
  const { token, key, key_name, spend, created_at, ...fields } = item;
  refuseUnsupported(fields, ['model_max_budget', 'budget_id'], prefix);
  if (token === undefined && key === undefined) throw invalidParam(`${prefix}token`, 'send token (the key hash) or key');
  const hashed = key === undefined ? undefined : hashKey(key);
  if (token !== undefined && hashed !== undefined && token.toLowerCase() !== hashed) {
    throw invalidParam(`${prefix}token`, 'token is not the hash of key');
  }
  const spendNano = spend === undefined || spend === null ? 0 : usdToNano(spend);
  if (spendNano === undefined) throw invalidParam(`${prefix}spend`, 'spend is too large');
  return {
    ...keyPatchFrom(fields, at, prefix),
    token: hashed ?? (token as string).toLowerCase(),
    // Only `sk-...` and the last 4 characters, whatever an export holds in key_name.
    key_name: key !== undefined ? keyName(key) : `sk-...${(key_name ?? '').slice(-4)}`,
    spend: spendNano,
    ...(created_at === undefined || created_at === null ? {} : { created_at: isoTime(created_at, `${prefix}created_at`) }),
  };
}
