/**
 * Acceptance with the official `openai` SDK: a loopback server answers `POST /v1/responses` with
 * exactly what the translations produce (the SDK's own request goes through `responsesToChat`,
 * `previous_response_id` through the store), and the SDK's parser and accumulator must take it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { upstreamUnreachable, type ChatCompletion, type ChatCompletionChunk, type ChatRequest, type GatewayError, type Usage } from 'switchyard';
import {
  ResponsesStreamEncoder,
  MemoryResponseStore,
  chainHistory,
  chatToResponse,
  deletedResponse,
  inputItemsPage,
  previousResponseIdOf,
  responsesToChat,
  translatedRecord,
  type ResponsesRequestEcho,
} from '../../../../plugins/inbound/responses/index.ts';
import { chunk, toolDelta, usageChunk } from './helpers.ts';

type Reply = (chat: ChatRequest, echo: ResponsesRequestEcho, res: ServerResponse) => ReturnType<typeof chatToResponse> | undefined;

let server: Server;
let reply: Reply;
let seen: ChatRequest[];
let store: MemoryResponseStore;
let client: OpenAI;

async function readBody(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** GET/DELETE of a stored response and its input items, as the routes serve them from the store. */
async function serveStored(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '', 'http://x');
  const [, id, sub] = /^\/v1\/responses\/([^/]+)(\/input_items)?$/.exec(url.pathname) ?? [];
  const record = id === undefined ? undefined : await store.get(id);
  if (id === undefined || record === undefined) return sendJson(res, 404, { error: { message: 'not found', type: 'invalid_request_error', param: null, code: null } });
  if (req.method === 'DELETE') return sendJson(res, 200, (await store.delete(id)) && deletedResponse(id));
  if (sub === undefined) return sendJson(res, 200, record.response);
  const query = Object.fromEntries(url.searchParams);
  return sendJson(res, 200, inputItemsPage(record.inputItems, query));
}

/** What a route does: load the previous turn, translate, answer, store. */
async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return serveStored(req, res);
  const body = await readBody(req);
  expect(req.url).toBe('/v1/responses');
  const previousId = previousResponseIdOf(body);
  const previous = previousId === undefined ? undefined : await chainHistory(store, previousId);
  const translated = responsesToChat(body, previous?.history);
  seen.push(translated.chat);
  const response = reply(translated.chat, translated.echo, res);
  if (response !== undefined && translated.echo.store) await store.put(translatedRecord(response, translated.inputItems, previous?.history), 60);
}

beforeEach(async () => {
  seen = [];
  store = new MemoryResponseStore();
  server = createServer((req, res) => {
    serve(req, res).catch((err: GatewayError) => {
      res.writeHead(err.status ?? 500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(err.toBody()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'x', maxRetries: 0 });
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Streams the encoder's output for `chunks`, one write per chunk, then ends (or fails). */
function streamReply(chunks: ChatCompletionChunk[], failWith?: GatewayError): Reply {
  return (_chat, echo, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const encoder = new ResponsesStreamEncoder({ echo });
    res.write(encoder.start());
    for (const c of chunks) res.write(encoder.chunk(c));
    res.end(failWith === undefined ? encoder.end() : encoder.fail(failWith));
    return encoder.response;
  };
}

function jsonReply(completion: ChatCompletion): Reply {
  return (_chat, echo, res) => {
    const response = chatToResponse(completion, echo);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(response));
    return response;
  };
}

const tools = [
  { type: 'function' as const, name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } }, strict: false },
  { type: 'function' as const, name: 'search', parameters: { type: 'object', properties: { query: { type: 'string' } } }, strict: false },
];

const usage: Usage = {
  prompt_tokens: 1200,
  completion_tokens: 90,
  total_tokens: 1290,
  prompt_tokens_details: { cached_tokens: 1000 },
  completion_tokens_details: { reasoning_tokens: 40 },
};

function completion(content: string | null, toolCalls: { id: string; name: string; args: string }[] = [], finish: 'stop' | 'tool_calls' | 'length' = 'stop'): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'upstream',
    choices: [
      {
        index: 0,
        finish_reason: finish,
        logprobs: null,
        message: {
          role: 'assistant',
          content,
          refusal: null,
          ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.args } })) }),
        },
      },
    ],
    usage,
  };
}

describe('openai responses.stream over the encoder', () => {
  test('text and interleaved, split tool calls: events accepted, text and every call rebuilt exactly', async () => {
    const argsA = '{"path": "src/ünïcode 👋.ts", "range": [1, 20]}';
    const argsB = '{"query":"a \\"quoted\\" word"}';
    reply = streamReply([
      chunk({ role: 'assistant', content: 'Let me ' }),
      chunk({ content: 'look. 👀' }),
      chunk({ tool_calls: [toolDelta(0, { id: 'call_a', name: 'read_file', args: argsA.slice(0, 9) }), toolDelta(1, { id: 'call_b', name: 'search', args: argsB.slice(0, 5) })] }),
      chunk({ tool_calls: [toolDelta(1, { args: argsB.slice(5, 17) })] }),
      chunk({ tool_calls: [toolDelta(0, { args: argsA.slice(9, 23) })] }),
      chunk({ tool_calls: [toolDelta(1, { args: argsB.slice(17) }), toolDelta(0, { args: argsA.slice(23) })] }),
      chunk({}, 'tool_calls'),
      usageChunk(usage),
    ]);
    const stream = client.responses.stream({ model: 'claude-sonnet-4', input: 'read and search', tools });
    const types: string[] = [];
    const argumentSnapshots: string[] = [];
    stream.on('event', (e) => types.push(e.type));
    stream.on('response.function_call_arguments.delta', (e) => argumentSnapshots.push(e.snapshot));
    const final = await stream.finalResponse();

    expect(seen[0]).toMatchObject({ model: 'claude-sonnet-4', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'read and search' }] });
    expect(final.status).toBe('completed');
    expect(final.output_text).toBe('Let me look. 👀');
    expect(final.output.map((i) => i.type)).toEqual(['message', 'function_call', 'function_call']);
    expect(final.output.slice(1)).toMatchObject([
      { type: 'function_call', call_id: 'call_a', name: 'read_file', arguments: argsA, status: 'completed' },
      { type: 'function_call', call_id: 'call_b', name: 'search', arguments: argsB, status: 'completed' },
    ]);
    expect(final.usage).toEqual({ input_tokens: 1200, input_tokens_details: { cached_tokens: 1000, cache_write_tokens: 0 }, output_tokens: 90, output_tokens_details: { reasoning_tokens: 40 }, total_tokens: 1290 });
    expect(argumentSnapshots.at(-1)).toBe(argsB);
    expect(argumentSnapshots).toContain(argsA);
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
  });

  test('iterating the raw events: sequence numbers 0, 1, 2… and the SDK accepts every event', async () => {
    reply = streamReply([chunk({ content: 'Hi' }), chunk({ tool_calls: [toolDelta(0, { id: 'call_n', name: 'search', args: '' })] }), chunk({}, 'tool_calls')]);
    const stream = await client.responses.create({ model: 'm', input: 'x', tools, stream: true });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const done = events.find((e) => e.type === 'response.function_call_arguments.done');
    expect(done).toMatchObject({ name: 'search', arguments: '{}' });
  });

  test('length: the SDK gets an incomplete response with its reason', async () => {
    reply = streamReply([chunk({ content: 'The answer is' }), chunk({}, 'length'), usageChunk(usage)]);
    const final = await client.responses.stream({ model: 'm', input: 'x', max_output_tokens: 3 }).finalResponse();
    expect(seen[0]?.max_tokens).toBe(3);
    expect(final.status).toBe('incomplete');
    expect(final.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(final.output_text).toBe('The answer is');
    expect(final.max_output_tokens).toBe(3);
  });

  test('an upstream failure mid-stream: the stream helper rejects with the error event, as it does for OpenAI’s own', async () => {
    const failure = upstreamUnreachable('anthropic');
    reply = streamReply([chunk({ content: 'Partial' })], failure);
    const stream = client.responses.stream({ model: 'm', input: 'x' });
    const texts: string[] = [];
    stream.on('response.output_text.delta', (e) => texts.push(e.delta));
    // ResponseStream emits an `error` stream event on its own error channel, so finalResponse rejects with it.
    const err = await stream.finalResponse().catch((e: unknown) => e);
    expect(err).toEqual({ type: 'error', code: 'upstream_unreachable', message: failure.message, param: null, sequence_number: 5 });
    expect(texts).toEqual(['Partial']);
  });

  test('an upstream failure mid-stream, iterated raw: error, then response.failed, and no exception', async () => {
    const failure = upstreamUnreachable('anthropic');
    reply = streamReply([chunk({ content: 'Partial' })], failure);
    const stream = await client.responses.create({ model: 'm', input: 'x', stream: true });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.slice(-2).map((e) => e.type)).toEqual(['error', 'response.failed']);
    const failed = events.at(-1);
    expect(failed?.type === 'response.failed' && failed.response).toMatchObject({ status: 'failed', error: { code: 'server_error', message: failure.message } });
  });
});

describe('openai responses.create over chatToResponse', () => {
  test('text and function calls; output_text is computed by the SDK', async () => {
    reply = jsonReply(completion('Two calls.', [{ id: 'call_1', name: 'read_file', args: '{"path":"a"}' }, { id: 'call_2', name: 'search', args: '{"query":"b"}' }], 'tool_calls'));
    const response = await client.responses.create({ model: 'gpt-like', instructions: 'Be brief.', input: 'go', tools, temperature: 0.3, metadata: { run: '7' } });
    expect(seen[0]).toMatchObject({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'go' }], temperature: 0.3 });
    expect(response.id).toMatch(/^resp_/);
    expect(response.output_text).toBe('Two calls.');
    expect(response.output.filter((i) => i.type === 'function_call')).toMatchObject([
      { call_id: 'call_1', name: 'read_file', arguments: '{"path":"a"}' },
      { call_id: 'call_2', name: 'search', arguments: '{"query":"b"}' },
    ]);
    expect(response).toMatchObject({ model: 'gpt-like', instructions: 'Be brief.', temperature: 0.3, metadata: { run: '7' }, tools: [{ name: 'read_file' }, { name: 'search' }], usage: { input_tokens: 1200, output_tokens: 90 } });
  });

  test('previous_response_id: the stored turn and its tool call continue the conversation', async () => {
    reply = jsonReply(completion(null, [{ id: 'call_w', name: 'search', args: '{"query":"weather"}' }], 'tool_calls'));
    const first = await client.responses.create({ model: 'm', input: 'weather?', tools });
    reply = jsonReply(completion('Sunny.'));
    const second = await client.responses.create({
      model: 'm',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: 'call_w', output: 'sunny, 21C' }],
      tools,
    });
    expect(seen[1]?.messages).toEqual([
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_w', type: 'function', function: { name: 'search', arguments: '{"query":"weather"}' } }] },
      { role: 'tool', tool_call_id: 'call_w', content: 'sunny, 21C' },
    ]);
    expect(second.output_text).toBe('Sunny.');
    expect(second.previous_response_id).toBe(first.id);
  });

  test('an unknown previous_response_id: the SDK raises a 400 with the contract’s code and param', async () => {
    reply = jsonReply(completion('never'));
    const err = await client.responses.create({ model: 'm', input: 'x', previous_response_id: 'resp_gone' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, code: 'previous_response_not_found', param: 'previous_response_id', type: 'invalid_request_error' });
  });

  test('store: false keeps nothing, so a follow-up cannot continue it', async () => {
    reply = jsonReply(completion('Hi.'));
    const first = await client.responses.create({ model: 'm', input: 'x', store: false });
    expect((first as unknown as { store: boolean }).store).toBe(false);
    const err = await client.responses.create({ model: 'm', input: 'y', previous_response_id: first.id }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 'previous_response_not_found' });
  });

  test('retrieve, inputItems.list and delete, served from the store', async () => {
    reply = jsonReply(completion('Hello.'));
    const created = await client.responses.create({
      model: 'm',
      input: [
        { role: 'developer', content: 'Answer in one word.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Greet me' }] },
      ],
    });
    const retrieved = await client.responses.retrieve(created.id);
    expect(retrieved.id).toBe(created.id);
    expect(retrieved.output_text).toBe('Hello.');
    const listed: unknown[] = [];
    for await (const item of client.responses.inputItems.list(created.id, { order: 'asc', limit: 1 })) listed.push(item);
    expect(listed).toEqual([
      { id: expect.stringMatching(/^msg_/), type: 'message', role: 'developer', status: 'completed', content: [{ type: 'input_text', text: 'Answer in one word.' }] },
      { id: expect.stringMatching(/^msg_/), type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'Greet me' }] },
    ]);
    await client.responses.delete(created.id);
    const err = await client.responses.retrieve(created.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
  });
});
