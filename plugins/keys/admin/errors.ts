import { GatewayError, invalidParam } from 'switchyard';
import { StoreError } from '../store/index.ts';

/**
 * The admin API's refusals. None of them quotes a key, a fragment of one or a hash
 * (operator.md §5): a caller who sent the wrong key learns which field, not what it held.
 */

/** 403 for a virtual key on a master-key route. */
export const adminOnly = () =>
  new GatewayError(403, 'permission_error', 'this route needs the master key', { code: 'admin_only' });

/** 404 for a key (plaintext or hash) that is not stored. */
export const keyNotFound = (param = 'key') =>
  new GatewayError(404, 'not_found_error', 'no such key', { code: 'key_not_found', param });

/** 404 for a team id that is not stored. */
export const teamNotFound = (param = 'team_id') =>
  new GatewayError(404, 'not_found_error', 'no such team', { code: 'team_not_found', param });

/** 409 for a value that must be unique. */
export const conflict = (code: 'key_exists' | 'key_alias_taken' | 'team_exists', message: string, param: string) =>
  new GatewayError(409, 'invalid_request_error', message, { code, param });

/** A plaintext key in a query string: it would be written to access logs, so it is refused. */
export const plaintextInQuery = (param: string) =>
  invalidParamWithCode(
    param,
    `'${param}' takes the key's hash (token_id), not the key itself: keys never travel in URLs. Send the hash, or POST /v2/key/info {"keys": ["sk-..."]}`,
    'plaintext_key_in_query',
  );

/** 400 naming the field, with a code of its own. */
export function invalidParamWithCode(param: string, message: string, code: string): GatewayError {
  return new GatewayError(400, 'invalid_request_error', message, { param, code });
}

/** A field the admin API knows from LiteLLM but does not enforce: refused, so nobody believes a limit is set. */
export const unsupportedField = (param: string) =>
  invalidParamWithCode(param, `'${param}' is not supported by this gateway: it would not be enforced`, 'unsupported_parameter');

/**
 * How a store error's field is named in the request: a prefix (`keys[3].` in a batch) and
 * renames (the store's `key` is the request's `new_key` on regenerate).
 */
export interface ParamNaming {
  readonly prefix?: string;
  readonly rename?: Readonly<Record<string, string>>;
}

/** The store's conflicts and refusals as admin errors; anything else is rethrown as is. */
export function fromStoreError(err: unknown, naming: ParamNaming = {}): never {
  if (!(err instanceof StoreError)) throw err;
  const param = err.param === undefined ? undefined : (naming.prefix ?? '') + (naming.rename?.[err.param] ?? err.param);
  switch (err.code) {
    case 'key_exists':
      throw conflict('key_exists', 'a key with this value exists already', param ?? 'key');
    case 'key_alias_taken':
      throw conflict('key_alias_taken', 'key_alias is taken by another key', param ?? 'key_alias');
    case 'team_exists':
      throw conflict('team_exists', 'a team with this team_id exists already', param ?? 'team_id');
    case 'invalid_value':
      throw invalidParam(param ?? '', err.message);
  }
}

/** Runs a store call, turning its StoreErrors into admin errors. */
export async function storeCall<T>(fn: () => Promise<T>, naming: ParamNaming = {}): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    return fromStoreError(err, naming);
  }
}
