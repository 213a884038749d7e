import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import inboundResponses from '../../plugins/inbound/responses/index.ts';
import azure from '../../plugins/providers/azure/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockAzureKey, startMockAzure, type AzureMock } from '../helpers/mock-upstream/azure.ts';
import type { RecordedRequest } from '../helpers/mock-upstream/server.ts';

// The Responses API on an Azure deployment is passed through natively, on Azure's v1 API, whatever
// api-version the deployment's other calls use.

const key = 'sy-test-master-key-azure-responses';
let upstream: AzureMock;
let gw: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startMockAzure();
  gw = await startTestGateway(
    defineConfig({
      plugins: [azure({ endpoint: upstream.url, apiKey: mockAzureKey }), masterKey({ key }), modelRouting({}), orderedFallback({}), inboundResponses({})],
      models: [{ name: 'gpt-4o', deployments: [{ provider: 'azure', model: 'prod-gpt4o' }] }],
    }),
  );
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
});

afterAll(async () => {
  await gw.close(1000);
  await upstream.close();
});

beforeEach(() => upstream.reset());

const last = (): RecordedRequest => upstream.requests.at(-1) as RecordedRequest;

describe('the Responses API on an Azure deployment', () => {
  test('create, stream a follow-up with previous_response_id, retrieve: all native, on /openai/v1/responses', async () => {
    const first = await client.responses.create({ model: 'gpt-4o', input: 'hello' });
    expect(last()).toMatchObject({ method: 'POST', url: '/openai/v1/responses', json: { model: 'prod-gpt4o', input: 'hello' } });
    expect(last().headers['api-key']).toBe(mockAzureKey);
    expect(first.id).toMatch(/^resp_mock_/);
    expect(first.output_text).toBe('echo: hello');

    const second = await client.responses.stream({ model: 'gpt-4o', previous_response_id: first.id, input: 'again' }).finalResponse();
    expect(last().json).toEqual({ model: 'prod-gpt4o', previous_response_id: first.id, input: 'again', stream: true });
    expect(second.output_text).toBe(`echo: again (after ${first.id})`);

    const got = await client.responses.retrieve(second.id);
    expect(last()).toMatchObject({ method: 'GET', url: `/openai/v1/responses/${second.id}` });
    expect(got.output_text).toBe(second.output_text);
  });
});
