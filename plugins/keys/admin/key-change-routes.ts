import { invalidParam } from 'switchyard';
import { generateKey, hashKey, keyName } from '../key-format.ts';
import type { KeyPatch, KeyRow, UpdateResult } from '../store/index.ts';
import { keyNotFound, storeCall, teamNotFound } from './errors.ts';
import { isEmpty, keyPatchFrom, refuseUnsupported } from './fields.ts';
import { findKey, tokenCandidates } from './key-ref.ts';
import { generatedKey, keyRecord, type GeneratedKey, type KeyRecord } from './records.ts';
import { deleteSchema, generateSchema, keyOnlySchema, regenerateSchema, UNSUPPORTED_KEY_FIELDS, updateSchema } from './schemas.ts';
import type { AdminContext, AdminRoute } from './types.ts';
import { bodyValidator } from './validate.ts';

const validGenerate = bodyValidator(generateSchema);
const validUpdate = bodyValidator(updateSchema);
const validRegenerate = bodyValidator(regenerateSchema);
const validKeyOnly = bodyValidator(keyOnlySchema);
const validDelete = bodyValidator(deleteSchema);

/** The routes that create and change keys: each writes its audit row and invalidates the caches. */
export function keyChangeRoutes(ctx: AdminContext): AdminRoute[] {
  const { store, now, invalidate, actor } = ctx;

  /** A key may only join a team that exists (its models and limits apply to the key). */
  async function checkTeam(patch: KeyPatch): Promise<void> {
    if (typeof patch.team_id === 'string' && (await store.getTeam(patch.team_id)) === undefined) throw teamNotFound('team_id');
  }

  function updated(result: UpdateResult<KeyRow>): KeyRow {
    // No `ifVersion` is passed, so `stale` cannot happen; a row deleted meanwhile is a 404.
    if (result.status !== 'updated') throw keyNotFound();
    return result.row;
  }

  async function setBlocked(body: unknown, blocked: boolean): Promise<KeyRecord> {
    const { key } = validKeyOnly(body);
    const current = await findKey(store, key);
    const action = blocked ? 'key.block' : 'key.unblock';
    const row = updated(await storeCall(() => store.updateKey(current.token, { blocked }, { actor, action })));
    await invalidate({ tokens: [row.token] });
    return keyRecord(row, now());
  }

  return [
    {
      method: 'POST',
      path: '/key/generate',
      summary: 'Create a virtual key; the answer holds the plaintext key, shown this once',
      async handle(req): Promise<GeneratedKey> {
        const body = validGenerate(req.body);
        refuseUnsupported(body, UNSUPPORTED_KEY_FIELDS);
        const at = now();
        const { key, ...fields } = body;
        const patch = keyPatchFrom(fields, at);
        await checkTeam(patch);
        const plaintext = key ?? generateKey();
        const row = await storeCall(() => store.createKey({ ...patch, token: hashKey(plaintext), key_name: keyName(plaintext) }, { actor }));
        // A custom key re-created after a delete: no instance may keep a cached "unknown" for it.
        await invalidate({ tokens: [row.token] });
        return generatedKey(plaintext, row, at);
      },
    },
    {
      method: 'POST',
      path: '/key/update',
      summary: 'Change the fields of a key (by key or hash)',
      async handle(req): Promise<KeyRecord> {
        const body = validUpdate(req.body);
        refuseUnsupported(body, UNSUPPORTED_KEY_FIELDS);
        const at = now();
        const { key, ...fields } = body;
        const current = await findKey(store, key);
        const patch = keyPatchFrom(fields, at);
        if (isEmpty(patch)) return keyRecord(current, at);
        await checkTeam(patch);
        const row = updated(await storeCall(() => store.updateKey(current.token, patch, { actor })));
        await invalidate({ tokens: [row.token] });
        return keyRecord(row, at);
      },
    },
    {
      method: 'POST',
      path: '/key/regenerate',
      summary: 'Replace a key with a new one (shown this once); the old key stops working, spend carries over',
      async handle(req): Promise<GeneratedKey> {
        const body = validRegenerate(req.body);
        refuseUnsupported(body, UNSUPPORTED_KEY_FIELDS);
        const at = now();
        const { key, new_key, ...fields } = body;
        const current = await findKey(store, key);
        const patch = keyPatchFrom(fields, at);
        await checkTeam(patch);
        const plaintext = new_key ?? generateKey();
        const next = { token: hashKey(plaintext), key_name: keyName(plaintext) };
        const row = updated(await storeCall(() => store.regenerateKey(current.token, next, patch, { actor }), { rename: { key: 'new_key' } }));
        await invalidate({ tokens: [current.token, row.token] });
        return generatedKey(plaintext, row, at);
      },
    },
    {
      method: 'POST',
      path: '/key/block',
      summary: 'Block a key: its requests are refused with 403 key_blocked',
      handle: (req) => setBlocked(req.body, true),
    },
    {
      method: 'POST',
      path: '/key/unblock',
      summary: 'Unblock a key',
      handle: (req) => setBlocked(req.body, false),
    },
    {
      method: 'POST',
      path: '/key/delete',
      summary: 'Delete keys by key, hash or alias',
      async handle(req): Promise<{ deleted_keys: string[] }> {
        const body = validDelete(req.body);
        const tokens = (body.keys ?? []).flatMap(tokenCandidates);
        const aliases = body.key_aliases ?? [];
        if (tokens.length === 0 && aliases.length === 0) throw invalidParam('keys', 'send keys or key_aliases');
        const deleted = await storeCall(() => store.deleteKeys({ tokens, aliases }, { actor }));
        if (deleted.length === 0) throw keyNotFound(tokens.length > 0 ? 'keys' : 'key_aliases');
        await invalidate({ tokens: deleted });
        return { deleted_keys: deleted };
      },
    },
  ];
}
