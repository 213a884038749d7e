import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mockAwsCredentials, mockAwsRegion, startMockBedrock } from '../../../helpers/mock-upstream/bedrock.ts';
import type { MockServer } from '../../../helpers/mock-upstream/server.ts';

/**
 * The mock is only as good as its checks: here the official AWS SDK talks to it. Its signatures
 * must verify, its event-stream decoder must read the mock's frames, and a wrong secret must fail.
 */
let mock: MockServer;
let tokenMock: MockServer;
const clients: BedrockRuntimeClient[] = [];

function client(url: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): BedrockRuntimeClient {
  // The SDK defaults to HTTP/2 for this service; the mock speaks HTTP/1.1.
  const c = new BedrockRuntimeClient({ endpoint: url, region: mockAwsRegion, credentials: { ...credentials }, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  mock = await startMockBedrock();
  tokenMock = await startMockBedrock({ credentials: { ...mockAwsCredentials, sessionToken: 'mock-session-token-123456' } });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await mock.close();
  await tokenMock.close();
});

describe('the Bedrock mock agrees with the official AWS SDK', () => {
  test('Converse signed by the SDK verifies, model id with ":" in the path', async () => {
    const out = await client(mock.url, mockAwsCredentials).send(
      new ConverseCommand({ modelId: 'anthropic.claude-3-5-sonnet-20241022-v2:0', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
    );
    expect(out.output?.message?.content?.[0]?.text).toBe('echo: hi');
    expect(out.stopReason).toBe('end_turn');
    expect(mock.requests.at(-1)?.url).toBe('/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse');
  });

  test('an inference-profile ARN (with "/") is encoded and signed', async () => {
    const modelId = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0';
    const out = await client(mock.url, mockAwsCredentials).send(new ConverseCommand({ modelId, messages: [{ role: 'user', content: [{ text: 'arn' }] }] }));
    expect(out.output?.message?.content?.[0]?.text).toBe('echo: arn');
  });

  test('ConverseStream frames decode in the SDK, tool input included', async () => {
    const out = await client(mock.url, mockAwsCredentials).send(
      new ConverseStreamCommand({
        modelId: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
        messages: [{ role: 'user', content: [{ text: 'weather?' }] }],
        toolConfig: { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } } }] },
      }),
    );
    let input = '';
    const kinds: string[] = [];
    for await (const event of out.stream ?? []) {
      kinds.push(Object.keys(event).find((k) => k !== '$unknown') ?? '?');
      input += event.contentBlockDelta?.delta?.toolUse?.input ?? '';
    }
    expect(JSON.parse(input)).toEqual({ city: 'Paris' });
    expect(kinds[0]).toBe('messageStart');
    expect(kinds.slice(-2)).toEqual(['messageStop', 'metadata']);
  });

  test('InvokeModel (Titan) verifies', async () => {
    const out = await client(mock.url, mockAwsCredentials).send(
      new InvokeModelCommand({ modelId: 'amazon.titan-embed-text-v2:0', contentType: 'application/json', body: JSON.stringify({ inputText: 'x', dimensions: 256 }) }),
    );
    expect((JSON.parse(Buffer.from(out.body).toString()) as { embedding: number[] }).embedding).toHaveLength(256);
  });

  test('a wrong secret, an unknown key id, a missing session token are refused with 403', async () => {
    const msg = { modelId: 'anthropic.claude-3-5-sonnet-20241022-v2:0', messages: [{ role: 'user' as const, content: [{ text: 'x' }] }] };
    await expect(client(mock.url, { ...mockAwsCredentials, secretAccessKey: 'wrong-secret' }).send(new ConverseCommand(msg))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(client(mock.url, { ...mockAwsCredentials, accessKeyId: 'AKIDUNKNOWN' }).send(new ConverseCommand(msg))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    await expect(client(tokenMock.url, mockAwsCredentials).send(new ConverseCommand(msg))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    const ok = await client(tokenMock.url, { ...mockAwsCredentials, sessionToken: 'mock-session-token-123456' }).send(new ConverseCommand(msg));
    expect(ok.output?.message?.content?.[0]?.text).toBe('echo: x');
  });

  test('a body the signature does not cover is refused', async () => {
    const c = client(mock.url, mockAwsCredentials);
    // Tamper after signing: the middleware runs after the signer in the finalize step.
    c.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { body: Uint8Array | string };
        req.body = Buffer.from(Buffer.from(req.body).toString('utf8').replace('"x"', '"y"'));
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'tamper' },
    );
    const err = await c
      .send(new ConverseCommand({ modelId: 'anthropic.claude-3-5-sonnet-20241022-v2:0', messages: [{ role: 'user', content: [{ text: 'x' }] }] }))
      .catch((e: unknown) => e as { name: string });
    expect(['XAmzContentSHA256Mismatch', 'InvalidSignatureException']).toContain((err as { name: string }).name);
  });
});
