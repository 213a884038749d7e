import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { generateKey, hashKey, isKeyHash, keyName } from '../../../plugins/keys/key-format.ts';

describe('key format', () => {
  test('a generated key is sk- and 43 base64url characters, different every time', () => {
    const a = generateKey();
    const b = generateKey();
    expect(a).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(3), 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  test('the hash is lowercase hex SHA-256 of the exact string (LiteLLM hash_token)', () => {
    // Known value: sha256("sk-1234"), LiteLLM's documented example master key.
    expect(hashKey('sk-1234')).toBe(createHash('sha256').update('sk-1234').digest('hex'));
    expect(hashKey('sk-1234')).toBe('88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b');
    expect(hashKey('sk-1234 ')).not.toBe(hashKey('sk-1234'));
    expect(isKeyHash(hashKey(generateKey()))).toBe(true);
    expect(isKeyHash('sk-1234')).toBe(false);
    expect(isKeyHash(hashKey('x').toUpperCase())).toBe(false);
  });

  test('key_name shows only the last 4 characters', () => {
    expect(keyName('sk-abcdefghijklmnopWXYZ')).toBe('sk-...WXYZ');
    expect(keyName('abc')).toBe('sk-...abc');
  });
});
