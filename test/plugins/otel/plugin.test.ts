import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, PriceBook, startGateway, type ModelGroup, type Plugin, type RunningGateway } from 'switchyard';
import masterKey from '../../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../../plugins/fallback/ordered/index.ts';
import cacheMemory from '../../../plugins/cache/memory/index.ts';
import inboundMessages from '../../../plugins/inbound/messages/index.ts';
import inboundResponses from '../../../plugins/inbound/responses/index.ts';
import { costNanoUsd } from '../../../plugins/keys/spend/cost.ts';
import otel from '../../../plugins/otel/index.ts';
import type { OtelOptions } from '../../../plugins/otel/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { captureLog, type LogLine } from '../../helpers/log-capture.ts';
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
let logLines: LogLine[] = [];

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

/** A gateway exporting to `receiver` (or `options.endpoint`), with `models`; its warnings in `logLines`. */
async function start(options: Partial<OtelOptions> = {}, models: ModelGroup[] = [mini], extra: Plugin[] = []): Promise<RunningGateway> {
  receiver = await startOtlpReceiver();
  const captured = captureLog('warn');
  logLines = captured.lines;
  gw = await startGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }),
        masterKey({ key: master }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 0 }),
        inboundMessages(),
        inboundResponses(),
        ...extra,
        otel({ endpoint: receiver.url, protocol: 'http/json', serviceName: 'otel-test', scheduleDelayMs: 10, exportTimeoutMs: 2000, ...options }),
      ],
      models,
    }),
    { port: 0, host: '127.0.0.1', log: captured.log },
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

  test('a fallback after a 500: two CLIENT spans under one SERVER span, the first with error.type', async () => {
    const group: ModelGroup = {
      name: 'smart',
      deployments: [
        { provider: 'openai', model: 'gpt-4o-mini', baseURL: `${upstream.url}/v1` },
        { provider: 'openai', model: 'gpt-4o' },
      ],
    };
    await start({}, [group]);
    upstream.override(faults.status(500, { error: { message: 'boom', type: 'server_error', param: null, code: null } }));
    const answer = await chat({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.status).toBe(200);
    expect(upstream.requests).toHaveLength(2);
    const spans = await flushed();
    const [server] = byKind(spans, SERVER);
    const clients = byKind(spans, CLIENT).sort((a, b) => Number(a.attributes['switchyard.attempt']) - Number(b.attributes['switchyard.attempt']));
    expect(clients.map((c) => c.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4o']);
    expect(clients.every((c) => c.parentSpanId === server?.spanId && c.traceId === server?.traceId)).toBe(true);
    const [failed, answered] = clients;
    // The upstream's own status, not the 502 the gateway would have answered with.
    expect(failed?.attributes).toMatchObject({
      'switchyard.attempt': 1, 'switchyard.deployment': 'smart#0', 'server.address': '127.0.0.1', 'server.port': upstream.port,
      'error.type': '500', 'http.response.status_code': 500, 'switchyard.error_code': 'upstream_error', 'switchyard.error_status': 502,
    });
    expect(failed?.statusCode).toBe(ERROR);
    // Nothing of the answer on the attempt that did not give it.
    expect(failed?.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(failed?.attributes['gen_ai.response.id']).toBeUndefined();
    expect(answered?.attributes).toMatchObject({ 'switchyard.attempt': 2, 'switchyard.deployment': 'smart#1', 'http.response.status_code': 200, 'gen_ai.response.model': 'gpt-4o' });
    expect(answered?.attributes['error.type']).toBeUndefined();
    expect(answered?.statusCode).toBe(0);
    expect(answered?.attributes['gen_ai.usage.input_tokens']).toBe((answer.json.usage as Json).prompt_tokens);
    expect(server?.attributes).toMatchObject({ 'switchyard.attempts': 2, 'http.response.status_code': 200, 'gen_ai.request.model': 'smart' });
    expect(server?.statusCode).toBe(0);
    // The second attempt starts after the first ended.
    expect(answered!.startNs >= failed!.endNs).toBe(true);
  });

  test('a retry after an upstream 429: the first CLIENT span has error.type `429` and the upstream status', async () => {
    await start({}, [{ ...mini, maxAttempts: 2 }]);
    upstream.override(faults.status(429, { error: { message: 'slow down', type: 'rate_limit_error', param: null, code: null } }), 1);
    const answer = await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.status).toBe(200);
    expect(upstream.requests).toHaveLength(2);
    const spans = await flushed();
    const clients = byKind(spans, CLIENT).sort((a, b) => Number(a.attributes['switchyard.attempt']) - Number(b.attributes['switchyard.attempt']));
    expect(clients.map((c) => [c.name, c.attributes['error.type'], c.attributes['http.response.status_code'], c.statusCode])).toEqual([
      ['chat gpt-4o-mini', '429', 429, ERROR],
      ['chat gpt-4o-mini', undefined, 200, 0],
    ]);
    expect(clients[0]?.attributes).toMatchObject({ 'switchyard.error_code': 'rate_limit_exceeded', 'switchyard.error_status': 429 });
  });

  test('a failed request: error.type on the SERVER span, and status ERROR for a 5xx', async () => {
    await start({}, [{ name: 'gpt-4o-mini', deployments: [{ provider: 'openai', model: 'gpt-4o-mini' }], maxAttempts: 1 }]);
    upstream.override(faults.status(503, { error: { message: 'overloaded', type: 'server_error', param: null, code: null } }));
    const answer = await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const unknown = await chat({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(unknown.status).toBe(404);
    const spans = await flushed();
    const servers = byKind(spans, SERVER);
    const failed = servers.find((s) => s.attributes['gen_ai.request.model'] === 'gpt-4o-mini');
    expect(failed?.attributes['http.response.status_code']).toBe(answer.status);
    expect(answer.status).toBeGreaterThanOrEqual(500);
    expect(failed?.attributes['error.type']).toBe((answer.json.error as Json).code ?? (answer.json.error as Json).type);
    expect(failed?.statusCode).toBe(ERROR);
    const notFound = servers.find((s) => s.attributes['gen_ai.request.model'] === 'no-such-model');
    expect(notFound?.attributes['error.type']).toBe('model_not_found');
    expect(notFound?.attributes['http.response.status_code']).toBe(404);
    // A 4xx is the client's mistake: the SERVER span's status stays unset.
    expect(notFound?.statusCode).toBe(0);
    expect(byKind(spans, CLIENT)).toHaveLength(1);
  });

  test('a client traceparent: the SERVER span joins its trace as a child, tracestate kept', async () => {
    await start();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { traceparent: `00-${traceId}-${parentId}-01`, tracestate: 'vendor=abc' });
    const spans = await flushed();
    const [server] = byKind(spans, SERVER);
    const [client] = byKind(spans, CLIENT);
    expect(server?.traceId).toBe(traceId);
    expect(server?.parentSpanId).toBe(parentId);
    expect(server?.traceState).toBe('vendor=abc');
    expect(client?.traceId).toBe(traceId);
    expect(client?.parentSpanId).toBe(server?.spanId);
  });

  test('a client traceparent that is not sampled: nothing is exported (parent-based sampling)', async () => {
    await start();
    const answer = await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00' });
    expect(answer.status).toBe(200);
    expect(await flushed()).toEqual([]);
  });

  test('sampler always_off exports nothing', async () => {
    await start({ sampler: 'always_off' });
    expect((await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).status).toBe(200);
    expect(await flushed()).toEqual([]);
  });

  test('a stream: usage and finish reasons from the assembled answer', async () => {
    await start();
    const res = await fetch(`${(gw as RunningGateway).url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }], stream: true, stream_options: { include_usage: true } }),
    });
    const text = await res.text();
    const usage = text
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)) as Json)
      .find((c) => c.usage !== undefined && c.usage !== null)?.usage as Json;
    const spans = await flushed();
    const [server] = byKind(spans, SERVER);
    const [client] = byKind(spans, CLIENT);
    expect(server?.attributes['switchyard.stream']).toBe(true);
    expect(client?.attributes).toMatchObject({
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': usage.prompt_tokens,
      'gen_ai.usage.output_tokens': usage.completion_tokens,
      'gen_ai.response.id': 'chatcmpl-mock',
    });
    // The attempt lasts until the stream was read to its end.
    expect(client!.endNs <= server!.endNs).toBe(true);
  });

  test('the Messages API runs as chat: SERVER span `POST /v1/messages`, CLIENT span `chat gpt-4o-mini`', async () => {
    await start();
    const res = await fetch(`${(gw as RunningGateway).url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': master, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    const spans = await flushed();
    const [server] = byKind(spans, SERVER);
    const [client] = byKind(spans, CLIENT);
    expect(server?.name).toBe('POST /v1/messages');
    expect(server?.attributes).toMatchObject({ 'http.route': '/v1/messages', 'switchyard.inbound': 'messages', 'gen_ai.operation.name': 'chat' });
    expect(client?.name).toBe('chat gpt-4o-mini');
    expect(client?.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.response.finish_reasons': ['stop'] });
  });

  test('a forwarded call has its spans too: SERVER `POST /v1/images/generations`, CLIENT `images dall-e-3`', async () => {
    await start({}, [{ name: 'dall-e-3', deployments: [{ provider: 'openai', model: 'dall-e-3' }] }]);
    const res = await fetch(`${(gw as RunningGateway).url}/v1/images/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'dall-e-3', prompt: 'a lighthouse', n: 1, size: '1024x1024' }),
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const spans = await flushed();
    const [server] = byKind(spans, SERVER);
    const clients = byKind(spans, CLIENT);
    expect(server?.name).toBe('POST /v1/images/generations');
    expect(server?.attributes).toMatchObject({ 'http.route': '/v1/images/generations', 'gen_ai.operation.name': 'images', 'http.response.status_code': 200 });
    expect(clients.map((c) => c.name)).toEqual(['images dall-e-3']);
    expect(clients[0]?.parentSpanId).toBe(server?.spanId);
  });

  test('a token count: SERVER span `POST /v1/messages/count_tokens`; a local estimate has no CLIENT span (no upstream call)', async () => {
    await start();
    const res = await fetch(`${(gw as RunningGateway).url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'x-api-key': master, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'how many?' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-token-count')).toBe('estimated');
    await res.arrayBuffer();
    const spans = await flushed();
    const [server] = byKind(spans, SERVER);
    expect(server?.name).toBe('POST /v1/messages/count_tokens');
    expect(server?.attributes).toMatchObject({ 'gen_ai.operation.name': 'count_tokens', 'gen_ai.request.model': 'gpt-4o-mini' });
    expect(byKind(spans, CLIENT)).toEqual([]);
    expect(upstream.requests).toHaveLength(0);
  });

  test('the Responses API runs as chat: SERVER span `POST /v1/responses`', async () => {
    await start();
    const res = await fetch(`${(gw as RunningGateway).url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', input: 'hi' }),
    });
    expect(res.status).toBe(200);
    const spans = await flushed();
    const [server] = byKind(spans, SERVER);
    expect(server?.name).toBe('POST /v1/responses');
    expect(server?.attributes).toMatchObject({ 'switchyard.inbound': 'responses', 'gen_ai.operation.name': 'chat' });
    expect(byKind(spans, CLIENT).map((c) => c.name)).toEqual(['chat gpt-4o-mini']);
  });

  test('a cache hit: a SERVER span marked hit, and no CLIENT span (no upstream call)', async () => {
    await start({}, [mini], [cacheMemory({})]);
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'cache me' }] };
    await chat(body);
    await chat(body);
    expect(upstream.requests).toHaveLength(1);
    const spans = await flushed();
    const servers = byKind(spans, SERVER);
    expect(servers.map((s) => s.attributes['switchyard.cache_status']).sort()).toEqual(['hit', 'miss']);
    const hit = servers.find((s) => s.attributes['switchyard.cache_status'] === 'hit');
    expect(hit?.attributes['switchyard.attempts']).toBe(0);
    expect(spans.filter((s) => s.parentSpanId === hit?.spanId)).toEqual([]);
    expect(byKind(spans, CLIENT)).toHaveLength(1);
  });

  test('embeddings: operation `embeddings`, input tokens, no finish reasons', async () => {
    await start({}, [{ name: 'text-embedding-3-small', deployments: [{ provider: 'openai', model: 'text-embedding-3-small' }] }]);
    const res = await fetch(`${(gw as RunningGateway).url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'text-embedding-3-small', input: 'hello world' }),
    });
    const json = (await res.json()) as Json;
    const spans = await flushed();
    expect(byKind(spans, SERVER)[0]?.name).toBe('POST /v1/embeddings');
    const [client] = byKind(spans, CLIENT);
    expect(client?.name).toBe('embeddings text-embedding-3-small');
    expect(client?.attributes['gen_ai.operation.name']).toBe('embeddings');
    expect(client?.attributes['gen_ai.usage.input_tokens']).toBe((json.usage as Json).prompt_tokens);
    expect(client?.attributes['gen_ai.response.finish_reasons']).toBeUndefined();
  });
});

describe('otel plugin: content and secrets', () => {
  const marker = 'purple-elephant-7731';

  test('captureContent off (the default): no message content in any span', async () => {
    await start();
    await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: marker }] });
    const spans = await flushed();
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
      expect(span.attributes['gen_ai.output.messages']).toBeUndefined();
    }
    expect(receiver.requests.some((r) => r.body.toString('utf8').includes(marker))).toBe(false);
  });

  test('captureContent on: input and output messages in the GenAI shape, cut to contentLimit', async () => {
    await start({ captureContent: true, contentLimit: 200 });
    await chat({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: marker }] });
    await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(1000) }] });
    const clients = byKind(await flushed(), CLIENT);
    const first = clients.find((c) => String(c.attributes['gen_ai.input.messages']).includes(marker));
    expect(JSON.parse(String(first?.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'be brief' }] },
      { role: 'user', parts: [{ type: 'text', content: marker }] },
    ]);
    expect(JSON.parse(String(first?.attributes['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: `echo: ${marker}` }], finish_reason: 'stop' },
    ]);
    const long = clients.find((c) => c !== first);
    const input = String(long?.attributes['gen_ai.input.messages']);
    expect(input.startsWith(`[{"role":"user","parts":[{"type":"text","content":"${'x'.repeat(100)}`)).toBe(true);
    expect(input.endsWith(`(cut, ${JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'x'.repeat(1000) }] }]).length} chars)`)).toBe(true);
  });

  test('no key in any exported byte: the caller’s key, the upstream key, the exporter’s headers', async () => {
    const collectorToken = 'collector-token-should-never-be-in-a-span';
    await start({ captureContent: true, headers: { authorization: `Bearer ${collectorToken}` } });
    await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { authorization: 'Bearer sk-wrong-key-in-a-rejected-call' });
    const spans = await flushed();
    expect(spans.length).toBe(3);
    const exported = receiver.requests.map((r) => r.body.toString('utf8')).join('\n');
    for (const secret of [master, mockOpenAIKey, collectorToken, 'sk-wrong-key-in-a-rejected-call']) expect(exported).not.toContain(secret);
  });
});

describe('otel plugin: the collector never changes an answer', () => {
  test('a receiver answering 500: the client gets its answer; the export was tried, its failure logged', async () => {
    await start();
    receiver.status = 500;
    const answer = await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.status).toBe(200);
    expect((answer.json.choices as Json[])[0]).toMatchObject({ message: { content: 'echo: hi' } });
    await flushed();
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.requests.every((r) => r.path === '/v1/traces')).toBe(true);
    const failures = logLines.filter((l) => l.msg === 'otel: span export failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ plugin: 'otel', failures: 1, spansLost: 2 });
    expect(JSON.stringify(logLines)).not.toContain(master);
  });

  test('a receiver that is down: the client gets its answer and the gateway still closes', async () => {
    const down = await startOtlpReceiver();
    await down.close();
    await start({ endpoint: down.url, exportTimeoutMs: 500 });
    const answer = await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.status).toBe(200);
    expect((answer.json.choices as Json[])[0]).toMatchObject({ message: { content: 'echo: hi' } });
    await flushed();
    expect(receiver.requests).toEqual([]);
    expect(logLines.filter((l) => l.msg === 'otel: span export failed')).toHaveLength(1);
  });
});

describe('otel plugin: http/protobuf', () => {
  test('the default protocol posts application/x-protobuf to /v1/traces', async () => {
    await start({ protocol: undefined });
    await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await flushed();
    expect(receiver.requests.length).toBeGreaterThan(0);
    const [request] = receiver.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/traces');
    expect(request?.contentType).toBe('application/x-protobuf');
    // Protobuf keeps strings as UTF-8 bytes: the span names are in the body.
    const body = receiver.requests.map((r) => r.body.toString('latin1')).join('');
    expect(body).toContain('chat gpt-4o-mini');
    expect(body).toContain('POST /v1/chat/completions');
  });
});

