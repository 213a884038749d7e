import { parseArgs } from 'node:util';
import { GatewayError } from 'switchyard';
import { adminRoutes, type AdminRoute, type KeyList, type KeyRecord } from './admin/index.ts';
import { cliInvalidation, type CliInvalidation } from './cli-invalidation.ts';
import { openKeysStore, storeLocationFromEnv, type KeysStore } from './store/index.ts';

/** Where the CLI writes: `process` fits, tests pass collectors. */
export interface CliOutput {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** What `switchyard keys --help` prints. */
export const keysUsage = `usage:
  switchyard keys generate [--alias A] [--models m1,m2] [--rpm N] [--tpm N] [--max-parallel N]
                           [--budget USD] [--budget-duration 30d] [--team T] [--duration 30d]
  switchyard keys list [--team T] [--alias A] [--page N] [--size N] [--json]
  switchyard keys update <key-or-hash> [--alias A] [--models m1,m2] [--rpm N] [--tpm N] [--max-parallel N]
                           [--budget USD] [--budget-duration 30d] [--team T] [--duration 30d]
  switchyard keys block <key-or-hash>
  switchyard keys unblock <key-or-hash>
  switchyard keys delete <key-or-hash>...
  switchyard keys import --from-litellm <postgres-url>   (LiteLLM's DATABASE_URL; ?schema= is honoured)
The store comes from the environment: DATABASE_URL (PostgreSQL), else SQLite in SWITCHYARD_DATA_DIR.
With REDIS_URL, every change is published to the running gateways (refused within a second);
without it, they see it when their cached record expires (cacheTtlMs, 30 s by default).`;

/** A mistake in the command line: usage and exit code 2. */
class UsageError extends Error {}

/** Rows per /key/import call: one LiteLLM database may hold many thousands of keys. */
const IMPORT_BATCH = 500;

/**
 * `switchyard keys …`: the common admin tasks from a shell, through the same handlers as the
 * admin API (audit rows name the actor `cli`). Returns the exit code: 0 done, 1 refused or
 * failed, 2 bad usage.
 *
 * With `REDIS_URL`, each change is also published on the gateways' invalidation channel (as the
 * admin API does), so running instances drop their cached record at once; without it, they see
 * the change when that record expires (`cacheTtlMs`).
 */
export async function runKeysCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, out: CliOutput): Promise<number> {
  const [command, ...args] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    out.stdout.write(`${keysUsage}\n`);
    return 0;
  }
  let store: KeysStore | undefined;
  let bus: CliInvalidation | undefined;
  try {
    const run = command !== undefined && Object.hasOwn(commands, command) ? commands[command] : undefined;
    if (run === undefined) throw new UsageError(command === undefined ? 'a command is required' : `unknown command '${command}'`);
    const exec = run(args);
    store = (await openKeysStore(storeLocationFromEnv(env))).store;
    bus = await cliInvalidation(env);
    const publisher = bus;
    const routes = adminRoutes({ store, invalidate: (change) => publisher?.publish(change), actor: 'cli' });
    const call = (path: string, body: unknown, query = new URLSearchParams()): Promise<unknown> => {
      const route = routes.find((r: AdminRoute) => r.path === path) as AdminRoute;
      return route.handle({ body, query, caller: { role: 'admin' } });
    };
    await exec(call, out);
    if (bus?.failure !== undefined) {
      out.stderr.write(`warning: saved, but running gateways could not be told through Redis (${bus.failure}); they see the change when their cached record expires\n`);
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      out.stderr.write(`${err.message}\n${keysUsage}\n`);
      return 2;
    }
    if (err instanceof GatewayError) {
      const param = err.extra.param === undefined ? '' : ` (${err.extra.param})`;
      out.stderr.write(`error: ${err.message}${param}\n`);
      return 1;
    }
    out.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await bus?.close();
    await store?.close();
  }
}

type Call = (path: string, body: unknown, query?: URLSearchParams) => Promise<unknown>;
/** Parses its arguments (throwing UsageError before any store is opened) and returns the work to do. */
type Command = (args: readonly string[]) => (call: Call, out: CliOutput) => Promise<void>;

function parse<O extends Record<string, { type: 'string' | 'boolean' }>>(args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function whole(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) throw new UsageError(`--${flag} must be a whole number`);
  return Number(text);
}

function usd(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(text)) throw new UsageError(`--${flag} must be an amount in USD, such as 25 or 12.50`);
  return Number(text);
}

function onePositional(name: string, positionals: readonly string[]): string {
  if (positionals.length !== 1) throw new UsageError(`${name} takes one key or hash`);
  return positionals[0] as string;
}

function json(out: CliOutput, value: unknown): void {
  out.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The key fields `generate` and `update` take, as flags. */
const keyFlags = {
  alias: { type: 'string' }, models: { type: 'string' }, rpm: { type: 'string' }, tpm: { type: 'string' },
  'max-parallel': { type: 'string' }, budget: { type: 'string' }, 'budget-duration': { type: 'string' },
  team: { type: 'string' }, duration: { type: 'string' },
} as const;

/** The given flags as an admin API body (snake_case fields), flags not given left out. */
function keyBody(values: { readonly [K in keyof typeof keyFlags]?: string }): Record<string, unknown> {
  const body: Record<string, unknown> = {
    key_alias: values.alias,
    models: values.models?.split(',').map((m) => m.trim()).filter((m) => m !== ''),
    rpm_limit: whole('rpm', values.rpm),
    tpm_limit: whole('tpm', values.tpm),
    max_parallel_requests: whole('max-parallel', values['max-parallel']),
    max_budget: usd('budget', values.budget),
    budget_duration: values['budget-duration'],
    team_id: values.team,
    duration: values.duration,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

const generate: Command = (args) => {
  const { values, positionals } = parse(args, keyFlags);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const given = keyBody(values);
  return async (call, out) => json(out, await call('/key/generate', given));
};

const update: Command = (args) => {
  const { values, positionals } = parse(args, keyFlags);
  const key = onePositional('update', positionals);
  const given = keyBody(values);
  if (Object.keys(given).length === 0) throw new UsageError('update needs at least one field to change');
  return async (call, out) => json(out, await call('/key/update', { ...given, key }));
};

const remove: Command = (args) => {
  const { positionals } = parse(args, {});
  if (positionals.length === 0) throw new UsageError('delete takes one or more keys or hashes');
  return async (call, out) => json(out, await call('/key/delete', { keys: positionals }));
};

const list: Command = (args) => {
  const { values, positionals } = parse(args, {
    team: { type: 'string' }, alias: { type: 'string' }, page: { type: 'string' }, size: { type: 'string' }, json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const query = new URLSearchParams({ return_full_object: 'true' });
  if (values.team !== undefined) query.set('team_id', values.team);
  if (values.alias !== undefined) query.set('key_alias', values.alias);
  if (values.page !== undefined) query.set('page', String(whole('page', values.page)));
  if (values.size !== undefined) query.set('size', String(whole('size', values.size)));
  const asJson = values.json === true;
  return async (call, out) => {
    const page = (await call('/key/list', undefined, query)) as KeyList;
    if (asJson) return json(out, page);
    const rows = (page.keys as readonly KeyRecord[]).map((k) => [
      k.token_id, k.key_name, k.key_alias ?? '-', k.team_id ?? '-', k.spend.toFixed(6), k.blocked ? 'blocked' : 'active',
    ]);
    out.stdout.write(table([['TOKEN_ID', 'KEY_NAME', 'ALIAS', 'TEAM', 'SPEND_USD', 'STATE'], ...rows]));
    out.stdout.write(`page ${page.current_page} of ${Math.max(page.total_pages, 1)} (${page.total_count} keys)\n`);
  };
};

function blocking(path: '/key/block' | '/key/unblock'): Command {
  return (args) => {
    const key = onePositional(path.slice(5), parse(args, {}).positionals);
    return async (call, out) => json(out, await call(path, { key }));
  };
}

const importKeys: Command = (args) => {
  const { values, positionals } = parse(args, { 'from-litellm': { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const url = values['from-litellm'];
  if (url === undefined || !/^postgres(ql)?:\/\//.test(url)) throw new UsageError('--from-litellm needs a postgres:// URL');
  return async (call, out) => {
    const { readLiteLLMKeys } = await import('./litellm-source.ts');
    const rows = await readLiteLLMKeys(url);
    let imported = 0;
    let skipped = 0;
    for (let i = 0; i < rows.length; i += IMPORT_BATCH) {
      const answer = (await call('/key/import', { keys: rows.slice(i, i + IMPORT_BATCH), skip_existing: true }).catch((err: unknown) => {
        throw atRow(err, i);
      })) as { imported: number; skipped: number };
      imported += answer.imported;
      skipped += answer.skipped;
    }
    out.stdout.write(`imported ${imported} keys, skipped ${skipped} already present (${rows.length} rows in LiteLLM)\n`);
  };
};

/** A refusal of one batch, its `keys[n]` counted from the first LiteLLM row (earlier batches are imported). */
function atRow(err: unknown, offset: number): unknown {
  if (!(err instanceof GatewayError) || err.extra.param === undefined) return err;
  const param = err.extra.param.replace(/^keys\[(\d+)\]\.?/, (_, n: string) => `LiteLLM row ${Number(n) + offset + 1}: `);
  return new GatewayError(err.status, err.type, err.message, { ...err.extra, param });
}

const commands: Readonly<Record<string, Command>> = {
  generate, list, update, block: blocking('/key/block'), unblock: blocking('/key/unblock'), delete: remove, import: importKeys,
};

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => `${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd()}\n`).join('');
}
