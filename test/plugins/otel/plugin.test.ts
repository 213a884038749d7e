import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, PriceBook, type ModelGroup, type RunningGateway } from 'switchyard';
import masterKey from '../../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../../plugins/fallback/ordered/index.ts';
import inboundMessages from '../../../plugins/inbound/messages/index.ts';
import { costNanoUsd } from '../../../plugins/keys/spend/cost.ts';
import otel from '../../../plugins/otel/index.ts';
import type { OtelOptions } from '../../../plugins/otel/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import { faults, type MockServer } from '../../helpers/mock-upstream/server.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../helpers/otlp-receiver.ts';

const master = 'sk-master-otel-test-0123456789';
const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;
type Json = Record<string, unknown>;

let upstream: MockServer;
let receiver: OtlpReceiver;
let gw: RunningGateway | undefined;

beforeAll(async () => {
  upstream = await startMockOpenAI();
});
afterAll(async () => {
  await upstream.close();
});
afterEach(async () => {
  await gw?.close(1000);
  gw = undefined;
  await receiver?.close();
  upstream.reset();
});

const mini: ModelGroup = { name: 'gpt-4o-mini', deployments: [{ provider: 'openai', model: 'gpt-4o-mini' }] };

/** A gateway exporting to `receiver` (or `options.endpoint`), with `models`. */
async function start(options: Partial<OtelOptions> = {}, models: ModelGroup[] = [mini]): Promise<RunningGateway> {
  receiver = await startOtlpReceiver();
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }),
        masterKey({ key: master }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 0 }),
        inboundMessages(),
        otel({ endpoint: receiver.url, protocol: 'http/json', serviceName: 'otel-test', scheduleDelayMs: 10, exportTimeoutMs: 2000, ...options }),
      ],
      models,
    }),
  );
  return gw;
}

async function chat(body: Json, headers: Record<string, string> = {}): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${(gw as RunningGateway).url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

/** Closes the gateway (which flushes the batch processor) and returns what the receiver got. */
async function flushed(): Promise<ReceivedSpan[]> {
  await gw?.close(1000);
  gw = undefined;
  return receiver.spans();
}

const byKind = (spans: ReceivedSpan[], kind: number): ReceivedSpan[] => spans.filter((s) => s.kind === kind);

describe('otel plugin: spans exported over OTLP/HTTP', () => {
  test('a chat call: a SERVER span and a child CLIENT span `chat gpt-4o-mini` with the GenAI attributes', async () => {
    await start();
    const answer = await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.status).toBe(200);
    const usage = answer.json.usage as { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    const spans = await flushed();
    expect(spans).toHaveLength(2);
    const [server] = byKind(spans, SERVER);
    const [client] = byKind(spans, CLIENT);
    expect(server?.name).toBe('POST /v1/chat/completions');
    expect(server?.parentSpanId).toBe('');
    expect(server?.resource['service.name']).toBe('otel-test');
    expect(server?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/chat/completions',
      'http.response.status_code': 200,
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'switchyard.attempts': 1,
      'switchyard.stream': false,
    });
    expect(server?.attributes['error.type']).toBeUndefined();
    expect(client?.name).toBe('chat gpt-4o-mini');
    expect(client?.traceId).toBe(server?.traceId);
    expect(client?.parentSpanId).toBe(server?.spanId);
    const price = new PriceBook().of({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(price).toBeDefined();
    expect(client?.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': answer.json.model,
      'gen_ai.response.id': answer.json.id,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': usage.prompt_tokens,
      'gen_ai.usage.output_tokens': usage.completion_tokens,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'switchyard.attempt': 1,
      'switchyard.deployment': 'gpt-4o-mini#0',
      'switchyard.cost_usd': (costNanoUsd(usage, price) as number) / 1e9,
      'http.response.status_code': 200,
    });
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    // The attempt lies within the request.
    expect(client!.startNs >= server!.startNs && client!.endNs <= server!.endNs).toBe(true);
    expect(client!.endNs > client!.startNs).toBe(true);
  });
});
