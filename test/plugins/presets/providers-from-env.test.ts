import { describe, expect, test } from 'vitest';
import { providersFromEnv } from '../../../plugins/presets/providers-from-env.ts';

const names = (env: Record<string, string>) => providersFromEnv(env).map((p) => p.name);

describe('providers from the environment: Azure and Cohere', () => {
  test('Azure needs both key and endpoint', () => {
    expect(names({ AZURE_OPENAI_API_KEY: 'k' })).not.toContain('provider-azure');
    expect(names({ AZURE_OPENAI_ENDPOINT: 'https://acme.openai.azure.com' })).not.toContain('provider-azure');
    expect(names({ AZURE_OPENAI_API_KEY: 'k', AZURE_OPENAI_ENDPOINT: 'https://acme.openai.azure.com', AZURE_OPENAI_API_VERSION: '2024-06-01' })).toContain(
      'provider-azure',
    );
  });

  test('Cohere is enabled by its key, its base URL optional', () => {
    expect(names({})).not.toContain('provider-cohere');
    expect(names({ COHERE_API_KEY: 'k' })).toContain('provider-cohere');
    const [plugin] = providersFromEnv({ COHERE_API_KEY: 'k', COHERE_BASE_URL: 'http://127.0.0.1:9' });
    expect(plugin?.optionProblems).toBeUndefined();
  });

  test('an invalid value is reported as a plugin option problem, not thrown', () => {
    const [plugin] = providersFromEnv({ AZURE_OPENAI_API_KEY: 'k', AZURE_OPENAI_ENDPOINT: 'not a url' });
    expect(plugin?.optionProblems?.[0]?.path).toBe('endpoint');
  });
});
