import { describe, expect, test } from 'vitest';
import { isRetryable, type CallInfo, type Deployment } from 'switchyard';
import { azureRequest, azureUrl, defaultApiVersion, type AzureTransport } from '../../../../plugins/providers/azure/transport.ts';

const chat: CallInfo = { operation: 'chat', stream: false, body: '{}' };
const target: Deployment = { id: 'g#0', group: 'g', provider: 'azure', model: 'prod gpt/4o' };
const transport = (extra: Partial<AzureTransport> = {}): AzureTransport => ({
  provider: 'azure',
  endpoint: 'https://acme.openai.azure.com',
  apiVersion: defaultApiVersion,
  headers: { 'content-type': 'application/json' },
  ...extra,
});

describe('azure transport', () => {
  test('deployment URLs per operation, the deployment name encoded', () => {
    expect(azureUrl('https://r.openai.azure.com', 'prod gpt/4o', 'chat', '2024-10-21')).toBe(
      'https://r.openai.azure.com/openai/deployments/prod%20gpt%2F4o/chat/completions?api-version=2024-10-21',
    );
    expect(azureUrl('https://r', 'd', 'embeddings', '2024-06-01')).toBe('https://r/openai/deployments/d/embeddings?api-version=2024-06-01');
    expect(azureUrl('https://r', 'd', 'completions', 'v1')).toBe('https://r/openai/v1/completions');
  });

  test('the Responses API (native) goes to the v1 API whatever the api-version, with its retrieval paths', async () => {
    const create: CallInfo = { operation: 'responses', stream: true, body: undefined, path: '/responses' };
    const init = await azureRequest(transport({ apiKey: 'azure-key-123456' }), target, create);
    expect(init.url).toBe('https://acme.openai.azure.com/openai/v1/responses');
    expect(init.headers['api-key']).toBe('azure-key-123456');
    const items: CallInfo = { operation: 'responses', stream: false, body: undefined, path: '/responses/resp_1/input_items?limit=5' };
    expect((await azureRequest(transport({ apiVersion: 'v1' }), target, items)).url).toBe('https://acme.openai.azure.com/openai/v1/responses/resp_1/input_items?limit=5');
  });

  test('a forwarded operation goes to its path under the deployment (or under /openai/v1)', async () => {
    const images: CallInfo = { operation: 'images', stream: false, body: undefined, path: '/images/generations' };
    expect((await azureRequest(transport(), { ...target, model: 'dalle' }, images)).url).toBe(
      'https://acme.openai.azure.com/openai/deployments/dalle/images/generations?api-version=2024-10-21',
    );
    const speech: CallInfo = { operation: 'speech', stream: false, body: undefined, path: '/audio/speech' };
    expect((await azureRequest(transport({ apiVersion: 'v1' }), target, speech)).url).toBe('https://acme.openai.azure.com/openai/v1/audio/speech');
  });

  test('api-version: the deployment option over the plugin; endpoint: the deployment baseURL over the plugin', async () => {
    const init = await azureRequest(transport(), { ...target, model: 'd', baseURL: 'https://eu.openai.azure.com/', options: { apiVersion: '2025-01-01-preview' } }, chat);
    expect(init.url).toBe('https://eu.openai.azure.com/openai/deployments/d/chat/completions?api-version=2025-01-01-preview');
    expect(defaultApiVersion).toBe('2024-10-21');
  });

  test('auth: deployment key, then Entra token (provider, then static), then the plugin key', async () => {
    const getToken = async () => 'fresh';
    expect((await azureRequest(transport({ apiKey: 'k', getToken }), { ...target, apiKey: 'own' }, chat)).headers).toMatchObject({ 'api-key': 'own' });
    const entra = (await azureRequest(transport({ apiKey: 'k', getToken, azureADToken: 'static' }), target, chat)).headers;
    expect(entra).toMatchObject({ authorization: 'Bearer fresh' });
    expect(entra).not.toHaveProperty('api-key');
    expect((await azureRequest(transport({ azureADToken: 'static' }), target, chat)).headers).toMatchObject({ authorization: 'Bearer static' });
    expect((await azureRequest(transport({ apiKey: 'k' }), target, chat)).headers).toEqual({ 'content-type': 'application/json', 'api-key': 'k' });
  });

  test('a failing token provider is a retryable 502 that does not leak its cause', async () => {
    const getToken = async (): Promise<string> => {
      throw new Error('AADSTS700016: secret xyz');
    };
    const err = await azureRequest(transport({ getToken }), target, chat).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, extra: { code: 'upstream_auth_failed' } });
    expect(isRetryable(err)).toBe(true);
    expect((err as Error).message).not.toContain('xyz');
  });

  test('deployment headers are added; no endpoint anywhere is an error that says how to fix it', async () => {
    const init = await azureRequest(transport(), { ...target, headers: { 'x-ms-client-request-id': 'r1' } }, chat);
    expect(init.headers['x-ms-client-request-id']).toBe('r1');
    await expect(azureRequest(transport({ endpoint: undefined }), target, chat)).rejects.toMatchObject({ status: 500, message: expect.stringContaining('AZURE_OPENAI_ENDPOINT') });
  });
});
