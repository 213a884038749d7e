import { expect, test } from 'vitest';
import { tokenCandidates } from '../../../../plugins/keys/admin/key-ref.ts';
import { hashKey } from '../../../../plugins/keys/key-format.ts';

test('a plaintext key means its hash; a hash means itself (lower-cased), or the hash of a custom key that looks like one', () => {
  expect(tokenCandidates('sk-abc')).toEqual([hashKey('sk-abc')]);
  const hash = hashKey('sk-abc');
  expect(tokenCandidates(hash)).toEqual([hash, hashKey(hash)]);
  expect(tokenCandidates(hash.toUpperCase())).toEqual([hash, hashKey(hash.toUpperCase())]);
  expect(tokenCandidates(hash.slice(1))).toEqual([hashKey(hash.slice(1))]);
});
