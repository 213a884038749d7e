import { hashKey, isKeyHash } from '../key-format.ts';
import type { KeyRow, KeysStore } from '../store/index.ts';
import { keyNotFound } from './errors.ts';

/**
 * The stored tokens a `key` field may mean: the hash of the value, and the value itself when it
 * looks like a hash (64 hex characters). A custom plaintext key that happens to look like a hash
 * is still found by its own hash, so callers may send either form.
 */
export function tokenCandidates(value: string): string[] {
  const hashed = hashKey(value);
  const lower = value.toLowerCase();
  return isKeyHash(lower) ? [lower, hashed] : [hashed];
}

/** The key a plaintext or hash names, or 404 `key_not_found` naming `param`. */
export async function findKey(store: KeysStore, value: string, param = 'key'): Promise<KeyRow> {
  for (const token of tokenCandidates(value)) {
    const row = await store.getKey(token);
    if (row !== undefined) return row;
  }
  throw keyNotFound(param);
}
