import { hash, randomBytes } from 'node:crypto';

/** The prefix of every generated virtual key (LiteLLM's). */
export const KEY_PREFIX = 'sk-';

/**
 * A new virtual key: `sk-` + 43 base64url characters (32 random bytes, no padding).
 * The plaintext is shown to the caller once; only its hash is stored.
 */
export function generateKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * The stored `token`: lowercase hex SHA-256 of the exact key string (UTF-8), as LiteLLM's
 * `hash_token`, so rows exported from LiteLLM match the keys their users already hold. Run on
 * every request: one-shot (Node ≥ 20.12), straight to hex, no Hash object or Buffer copy.
 */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** A 64-character lowercase hex string, which is what a `token` (hash) looks like. */
export function isKeyHash(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}

/** `key_name` as LiteLLM shows it: `sk-...` + the last 4 characters, never more of the key. */
export function keyName(key: string): string {
  return `sk-...${key.slice(-4)}`;
}
