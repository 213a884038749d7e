import pg from 'pg';

/** The LiteLLM table of virtual keys (Prisma model `LiteLLM_VerificationToken`). */
const TABLE = 'LiteLLM_VerificationToken';

/** The columns read, when the table has them (older LiteLLM versions lack some). */
const COLUMNS = [
  'token', 'key_name', 'key_alias', 'spend', 'max_budget', 'expires', 'models', 'tpm_limit', 'rpm_limit',
  'max_parallel_requests', 'team_id', 'user_id', 'metadata', 'blocked', 'budget_duration', 'created_at',
] as const;
const TIMES = new Set<string>(['expires', 'created_at']);

/** One LiteLLM key row as a /key/import item (its `token` is already the SHA-256 we store). */
export type LiteLLMKeyItem = Record<string, unknown> & { readonly token: string };

/**
 * Reads every key row of a LiteLLM database. `url` is LiteLLM's own DATABASE_URL; Prisma's
 * `?schema=` parameter picks the schema (pg does not know it, so it is taken out here).
 */
export async function readLiteLLMKeys(url: string): Promise<LiteLLMKeyItem[]> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: parsed.toString() });
  await client.connect();
  try {
    if (schema !== null && schema !== '') await client.query(`SET search_path TO ${client.escapeIdentifier(schema)}`);
    const present = await client.query<{ column_name: string }>(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1',
      [TABLE],
    );
    const names = new Set(present.rows.map((r) => r.column_name));
    if (!names.has('token')) throw new Error(`no ${TABLE} table in this database${schema === null ? '' : ` (schema ${schema})`}`);
    const select = COLUMNS.filter((c) => names.has(c)).map((c) =>
      // A Prisma timestamp has no zone and holds UTC: epoch ms read that way, whatever the server's zone.
      TIMES.has(c) ? `(extract(epoch from ${client.escapeIdentifier(c)}) * 1000)::float8 AS ${c}` : client.escapeIdentifier(c),
    );
    const order = names.has('created_at') ? '"created_at" NULLS FIRST, "token"' : '"token"';
    const rows = await client.query<Record<string, unknown>>(`SELECT ${select.join(', ')} FROM ${client.escapeIdentifier(TABLE)} ORDER BY ${order}`);
    return rows.rows.map(toImportItem);
  } finally {
    await client.end();
  }
}

/** A LiteLLM row as an import item: BIGINTs as numbers, times as ISO, per-model limits and tags out of metadata. */
export function toImportItem(row: Readonly<Record<string, unknown>>): LiteLLMKeyItem {
  const metadata = isObject(row.metadata) ? row.metadata : {};
  const item: Record<string, unknown> = { token: String(row.token) };
  for (const [name, value] of Object.entries(row)) {
    if (name === 'token' || value === null || value === undefined) continue;
    if (TIMES.has(name)) item[name] = new Date(Number(value)).toISOString();
    else if (name === 'tpm_limit' || name === 'rpm_limit' || name === 'max_parallel_requests' || name === 'spend' || name === 'max_budget') item[name] = Number(value);
    else item[name] = value;
  }
  item.metadata = metadata;
  // LiteLLM keeps these in the key's metadata; here they are fields of their own.
  for (const name of ['model_rpm_limit', 'model_tpm_limit'] as const) {
    const value = metadata[name];
    if (isObject(value) && Object.values(value).every((v) => Number.isSafeInteger(v) && (v as number) >= 0)) item[name] = value;
  }
  if (Array.isArray(metadata.tags) && metadata.tags.every((t) => typeof t === 'string')) item.tags = metadata.tags;
  return item as LiteLLMKeyItem;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
