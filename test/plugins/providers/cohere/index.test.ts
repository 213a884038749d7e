import { describe, expect, test } from 'vitest';
import { ProviderRegistry, type GatewayApi } from 'switchyard';
import cohere from '../../../../plugins/providers/cohere/index.ts';
import { presets } from '../../../../plugins/providers/openai/presets.ts';

function registered(plugin: ReturnType<typeof cohere>): ProviderRegistry {
  const registry = new ProviderRegistry();
  void plugin.setup({ providers: registry } as unknown as GatewayApi);
  return registry;
}

const cohereNames = ['command-r-plus-08-2024', 'command-a-03-2025', 'command-r7b-12-2024', 'embed-english-v3.0', 'embed-v4.0', 'c4ai-aya-expanse-32b'];

describe('cohere plugin', () => {
  test('claims command-* and embed-* (and Aya), not other vendors', () => {
    const adapter = registered(cohere({ apiKey: 'k' })).get('cohere');
    expect(adapter?.operations).toEqual(['chat', 'embeddings']);
    for (const name of cohereNames) expect(adapter?.claims?.(name)).toBe(true);
    for (const name of ['gpt-4o', 'claude-3-5-sonnet-20241022', 'commander', 'text-embedding-3-small']) expect(adapter?.claims?.(name)).toBe(false);
  });

  test("no OpenAI-compatible preset claims Cohere's names", () => {
    for (const [name, preset] of Object.entries(presets)) {
      const claims = 'claims' in preset ? preset.claims : undefined;
      for (const model of cohereNames) expect(claims?.test(model) ?? false, `${name} claims ${model}`).toBe(false);
    }
  });

  test('invalid options are reported, not thrown', () => {
    const plugin = cohere({ inputType: 'everything' } as unknown as Parameters<typeof cohere>[0]);
    expect(plugin.optionProblems?.[0]?.path).toBe('inputType');
  });
});
