import { invalidParam } from 'switchyard';
import { adminOnly, keyNotFound, plaintextInQuery } from './errors.ts';
import { tokenCandidates } from './key-ref.ts';
import { pageQuery, queryBoolean, queryValue } from './query.ts';
import { keyRecord, type KeyRecord } from './records.ts';
import { infoV2Schema } from './schemas.ts';
import type { AdminContext, AdminRoute } from './types.ts';
import { bodyValidator } from './validate.ts';

const validInfoV2 = bodyValidator(infoV2Schema);
const HASH = /^[0-9a-fA-F]{64}$/;

export interface KeyList {
  /** Hashes, or records with `return_full_object=true`. */
  readonly keys: readonly string[] | readonly KeyRecord[];
  readonly total_count: number;
  readonly current_page: number;
  readonly total_pages: number;
}

/** The routes that read keys: /key/info (self-service too), /v2/key/info, /key/list. */
export function keyReadRoutes(ctx: AdminContext): AdminRoute[] {
  const { store, now } = ctx;
  return [
    {
      method: 'GET',
      path: '/key/info',
      summary: "A key's record by its hash (?key=<token_id>); with a virtual key and no ?key, that key's own record",
      allowVirtualKey: true,
      async handle(req): Promise<{ key: string; info: KeyRecord }> {
        const param = queryValue(req.query, 'key');
        let token: string;
        if (req.caller.role === 'key') {
          // Self-service is for the caller's own record only, and names it by the key it presented.
          if (param !== undefined) throw adminOnly();
          token = req.caller.token;
        } else {
          if (param === undefined) throw invalidParam('key', "key is required: the key's hash (token_id)");
          if (!HASH.test(param)) throw plaintextInQuery('key');
          token = param.toLowerCase();
        }
        const row = await store.getKey(token);
        if (row === undefined) throw keyNotFound();
        return { key: row.token, info: keyRecord(row, now()) };
      },
    },
    {
      method: 'POST',
      path: '/v2/key/info',
      summary: 'Records of several keys, sent as keys or hashes in the body; unknown ones are left out',
      async handle(req): Promise<{ key: string[]; info: KeyRecord[] }> {
        const { keys } = validInfoV2(req.body);
        const rows = await store.getKeys([...new Set(keys.flatMap(tokenCandidates))]);
        const byToken = new Map(rows.map((r) => [r.token, r]));
        // In the order asked, each found key once; `key[i]` is the hash of `info[i]`.
        const found = new Map<string, KeyRecord>();
        const at = now();
        for (const k of keys) {
          const row = tokenCandidates(k).map((t) => byToken.get(t)).find((r) => r !== undefined);
          if (row !== undefined && !found.has(row.token)) found.set(row.token, keyRecord(row, at));
        }
        return { key: [...found.keys()], info: [...found.values()] };
      },
    },
    {
      method: 'GET',
      path: '/key/list',
      summary: 'Keys, newest first, a page at a time (size ≤ 100); filters team_id and key_alias (substring)',
      async handle(req): Promise<KeyList> {
        const { page, size } = pageQuery(req.query, 'size', 10);
        const full = queryBoolean(req.query, 'return_full_object');
        const teamId = queryValue(req.query, 'team_id');
        const alias = queryValue(req.query, 'key_alias');
        const result = await store.listKeys({
          page, size, ...(teamId === undefined ? {} : { team_id: teamId }), ...(alias === undefined ? {} : { key_alias: alias }),
        });
        const at = now();
        return {
          keys: full ? result.rows.map((r) => keyRecord(r, at)) : result.rows.map((r) => r.token),
          total_count: result.total,
          current_page: result.page,
          total_pages: result.total_pages,
        };
      },
    },
  ];
}
