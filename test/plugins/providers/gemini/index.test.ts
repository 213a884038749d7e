import { describe, expect, test } from 'vitest';
import gemini, { apiRoot } from '../../../../plugins/providers/gemini/index.ts';
import { providersFromEnv } from '../../../../plugins/presets/providers-from-env.ts';

describe('provider-gemini plugin', () => {
  test.each([
    ['https://generativelanguage.googleapis.com', 'https://generativelanguage.googleapis.com/v1beta'],
    ['http://127.0.0.1:9/', 'http://127.0.0.1:9/v1beta'],
    ['https://proxy.example.com/google/v1beta', 'https://proxy.example.com/google/v1beta'],
    ['https://proxy.example.com/v1', 'https://proxy.example.com/v1'],
  ])('base URL %s → API root %s', (base, root) => {
    expect(apiRoot(base)).toBe(root);
  });

  test('the env source enables it only with GEMINI_API_KEY, and puts it before OpenAI (text-embedding-004)', () => {
    expect(providersFromEnv({ GEMINI_BASE_URL: 'http://x' }).map((p) => p.name)).toEqual([]);
    expect(providersFromEnv({ OPENAI_API_KEY: 'sk-1', GEMINI_API_KEY: 'g' }).map((p) => p.name)).toEqual(['provider-gemini', 'provider-openai']);
  });

  test('options are validated; a second instance takes its own id', () => {
    expect(gemini.optionsSchema).toBeDefined();
    expect(gemini({ id: 'gemini-eu', apiKey: 'k' }).name).toBe('provider-gemini-eu');
  });
});
