import { describe, expect, test } from 'vitest';
import { ProviderRegistry, type GatewayApi } from 'switchyard';
import azure from '../../../../plugins/providers/azure/index.ts';

describe('azure plugin', () => {
  test('chat, completions and embeddings; no naming rule and no model listing', () => {
    const registry = new ProviderRegistry();
    void azure({ endpoint: 'https://acme.openai.azure.com', apiKey: 'k' }).setup({ providers: registry } as unknown as GatewayApi);
    const adapter = registry.get('azure');
    expect(adapter?.operations).toEqual(['chat', 'completions', 'embeddings']);
    expect(adapter?.claims).toBeUndefined();
    expect(adapter?.listModels).toBeUndefined();
  });

  test('a second resource under its own id; bad options reported with their path', () => {
    const registry = new ProviderRegistry();
    void azure({ id: 'azure-eu', endpoint: 'https://eu.openai.azure.com' }).setup({ providers: registry } as unknown as GatewayApi);
    expect(registry.has('azure-eu')).toBe(true);
    expect(azure({ endpoint: 'not a url' }).optionProblems?.[0]?.path).toBe('endpoint');
    expect(() => azure({ getToken: 'token' as unknown as () => Promise<string> })).toThrow(/getToken/);
  });
});
