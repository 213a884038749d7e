import { expect, test } from 'vitest';
import { toImportItem } from '../../../plugins/keys/litellm-source.ts';

test('a LiteLLM row as an import item: BIGINT text to numbers, epoch ms to ISO, per-model limits and tags out of metadata', () => {
  const item = toImportItem({
    token: 'ab'.repeat(32), key_name: 'sk-...abcd', key_alias: null, spend: 0.5, tpm_limit: '1000', rpm_limit: '10',
    max_parallel_requests: 2, expires: Date.UTC(2027, 0, 1), created_at: null, models: ['gpt-4o'], blocked: null,
    metadata: { model_rpm_limit: { 'gpt-4o': 3 }, model_tpm_limit: { 'gpt-4o': 'lots' }, tags: ['a'], team: 'x' },
  });
  expect(item).toEqual({
    token: 'ab'.repeat(32), key_name: 'sk-...abcd', spend: 0.5, tpm_limit: 1000, rpm_limit: 10, max_parallel_requests: 2,
    expires: '2027-01-01T00:00:00.000Z', models: ['gpt-4o'],
    metadata: { model_rpm_limit: { 'gpt-4o': 3 }, model_tpm_limit: { 'gpt-4o': 'lots' }, tags: ['a'], team: 'x' },
    model_rpm_limit: { 'gpt-4o': 3 }, tags: ['a'],
  });
});

test('a row without metadata gets an empty object', () => {
  expect(toImportItem({ token: 'cd'.repeat(32), metadata: null })).toEqual({ token: 'cd'.repeat(32), metadata: {} });
});
