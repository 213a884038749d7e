import { StoreError } from './errors.ts';
import type { SqlParam } from './sql.ts';
import type { KeyFields, TeamFields } from './types.ts';

/** How a field is held in its column (the same in both dialects, see sql.ts). */
export type ColumnKind = 'text' | 'int' | 'json' | 'bool';

/**
 * The columns an admin change may write, by field. Only these names ever reach SQL text, so an
 * unknown property in a patch is refused, not interpolated. `satisfies` fails to compile when a
 * field is added to the type but not here.
 */
export const KEY_COLUMNS = {
  key_alias: 'text',
  max_budget: 'int',
  soft_budget: 'int',
  budget_duration: 'text',
  expires: 'int',
  models: 'json',
  tpm_limit: 'int',
  rpm_limit: 'int',
  max_parallel_requests: 'int',
  model_rpm_limit: 'json',
  model_tpm_limit: 'json',
  team_id: 'text',
  user_id: 'text',
  metadata: 'json',
  tags: 'json',
  blocked: 'bool',
} as const satisfies Record<keyof KeyFields, ColumnKind>;

export const TEAM_COLUMNS = {
  team_alias: 'text',
  models: 'json',
  max_budget: 'int',
  budget_duration: 'text',
  tpm_limit: 'int',
  rpm_limit: 'int',
  max_parallel_requests: 'int',
  metadata: 'json',
  blocked: 'bool',
} as const satisfies Record<keyof TeamFields, ColumnKind>;

/** Field and value pairs of a patch, in column order, validated and encoded for SQL. */
export function encodePatch(columns: Readonly<Record<string, ColumnKind>>, patch: object): [string, SqlParam][] {
  const out: [string, SqlParam][] = [];
  const given = patch as Readonly<Record<string, unknown>>;
  for (const field of Object.keys(given)) {
    if (!Object.hasOwn(columns, field)) throw new StoreError('invalid_value', `unknown field ${field}`, field);
  }
  for (const [field, kind] of Object.entries(columns)) {
    const value = given[field];
    if (value !== undefined) out.push([field, encode(field, kind, value)]);
  }
  return out;
}

export function encode(field: string, kind: ColumnKind, value: unknown): SqlParam {
  if (value === null) {
    if (kind === 'json' || kind === 'bool') throw new StoreError('invalid_value', `${field} may not be null`, field);
    return null;
  }
  switch (kind) {
    case 'text':
      if (typeof value !== 'string') throw new StoreError('invalid_value', `${field} must be a string`, field);
      return value;
    case 'int':
      // Money and limits are whole numbers: nano-USD, tokens, requests, epoch ms.
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        throw new StoreError('invalid_value', `${field} must be a non-negative safe integer`, field);
      }
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw new StoreError('invalid_value', `${field} must be a boolean`, field);
      return value ? 1 : 0;
    case 'json':
      if (typeof value !== 'object') throw new StoreError('invalid_value', `${field} must be an array or object`, field);
      return JSON.stringify(value);
  }
}
