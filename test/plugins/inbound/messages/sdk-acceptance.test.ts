/**
 * Acceptance with the official `@anthropic-ai/sdk`: a loopback server answers with exactly what
 * the translations produce, and the SDK's own parser and accumulator must take it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic, { APIError, PaymentRequiredError, RateLimitError, ServiceUnavailableError } from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { GatewayError, noHealthyDeployment, rateLimited, type ChatCompletion, type ChatCompletionChunk, type ChatRequest, type Usage } from 'switchyard';
import { chatToMessage, messagesToChat, MessagesStreamEncoder, toAnthropicError } from '../../../../plugins/inbound/messages/index.ts';
import { chunk, toolDelta, usageChunk } from './stream-check.ts';

type Reply = (req: ChatRequest, res: ServerResponse) => void;

let server: Server;
let reply: Reply;
let seen: ChatRequest[];
let client: Anthropic;

async function readBody(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown;
}

beforeEach(async () => {
  seen = [];
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      expect(req.url).toBe('/v1/messages');
      // The SDK's own request body goes through the request translation, as a route would.
      const chat = messagesToChat(body);
      seen.push(chat);
      reply(chat, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new Anthropic({ baseURL: `http://127.0.0.1:${port}`, apiKey: 'x', maxRetries: 0 });
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Streams the encoder's output for `chunks`, one write per chunk, then ends (or fails). */
function streamReply(chunks: ChatCompletionChunk[], failWith?: GatewayError): Reply {
  return (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const encoder = new MessagesStreamEncoder({ model: req.model });
    for (const c of chunks) res.write(encoder.chunk(c));
    res.end(failWith === undefined ? encoder.end() : encoder.fail(failWith));
  };
}

function jsonReply(status: number, body: unknown): Reply {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
}

const tools = [
  { name: 'read_file', description: 'Read a file', input_schema: { type: 'object' as const, properties: { path: { type: 'string' } } } },
  { name: 'search', input_schema: { type: 'object' as const, properties: { query: { type: 'string' } } } },
  { name: 'now', input_schema: { type: 'object' as const } },
];

const finalUsage = {
  prompt_tokens: 1200,
  completion_tokens: 90,
  total_tokens: 1290,
  prompt_tokens_details: { cached_tokens: 1000 },
  completion_tokens_details: { reasoning_tokens: 40 },
} satisfies Usage;

describe('@anthropic-ai/sdk messages.stream over the encoder', () => {
  test('text and interleaved, split tool calls: events accepted, text and every input rebuilt exactly', async () => {
    const argsA = '{"path": "src/ünïcode 👋.ts", "range": [1, 20]}';
    const argsB = '{"query":"a \\"quoted\\" word"}';
    reply = streamReply([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Reading ' }),
      chunk({ content: 'both.' }),
      chunk(toolDelta(0, '{"pa', { id: 'call_A', name: 'read_file' })),
      chunk(toolDelta(1, '{"que', { id: 'call_B', name: 'search' })),
      chunk(toolDelta(0, 'th": "src/ünï')),
      chunk(toolDelta(1, 'ry":"a \\"quo')),
      chunk(toolDelta(0, 'code 👋.ts", "range": [1, 2')),
      chunk(toolDelta(1, 'ted\\" word"}')),
      chunk(toolDelta(0, '0]}')),
      chunk({ tool_calls: [{ index: 2, id: 'call_C', type: 'function', function: { name: 'now', arguments: '' } }] }),
      chunk({}, 'tool_calls'),
      usageChunk(finalUsage),
    ]);
    const stream = client.messages.stream({ model: 'gpt-4o', max_tokens: 512, tools, messages: [{ role: 'user', content: 'Go' }] });
    const texts: string[] = [];
    const inputJson: string[][] = [[]];
    stream.on('text', (delta) => texts.push(delta));
    stream.on('inputJson', (partial) => inputJson.at(-1)?.push(partial));
    stream.on('contentBlock', () => inputJson.push([]));
    const message = await stream.finalMessage();

    expect(seen[0]).toMatchObject({ model: 'gpt-4o', max_tokens: 512, stream: true, stream_options: { include_usage: true } });
    expect(texts.join('')).toBe('Reading both.');
    // One group per closed block: text (none), A, B, C (none).
    expect(inputJson.slice(0, 4).map((g) => g.join(''))).toEqual(['', argsA, argsB, '']);
    expect(message.content).toEqual([
      { type: 'text', text: 'Reading both.' },
      { type: 'tool_use', id: 'call_A', name: 'read_file', input: JSON.parse(argsA) },
      { type: 'tool_use', id: 'call_B', name: 'search', input: JSON.parse(argsB) },
      { type: 'tool_use', id: 'call_C', name: 'now', input: {} },
    ]);
    expect(message).toMatchObject({ id: 'msg_9xYz', model: 'gpt-4o', role: 'assistant', stop_reason: 'tool_use', stop_sequence: null });
    // message_delta's usage is folded into the final message.
    expect(message.usage).toMatchObject({
      input_tokens: 200,
      cache_read_input_tokens: 1000,
      cache_creation_input_tokens: 0,
      output_tokens: 90,
      output_tokens_details: { thinking_tokens: 40 },
    });
  });

  test('text only, ending at max_tokens; a late text block after a tool is accepted too', async () => {
    reply = streamReply([chunk({ content: 'Once upon' }), chunk(toolDelta(0, '{}', { id: 'c', name: 'now' })), chunk({ content: ' a time' }), chunk({}, 'length')]);
    const message = await client.messages.stream({ model: 'm', max_tokens: 5, tools, messages: [{ role: 'user', content: 'Story' }] }).finalMessage();
    expect(message.content).toEqual([
      { type: 'text', text: 'Once upon' },
      { type: 'tool_use', id: 'c', name: 'now', input: {} },
      { type: 'text', text: ' a time' },
    ]);
    expect(message.stop_reason).toBe('max_tokens');
  });

  test('a failure mid-stream: the SDK raises an APIError with our type and message', async () => {
    reply = streamReply([chunk({ content: 'Half' }), chunk(toolDelta(0, '{"a"', { id: 'c', name: 'now' }))], noHealthyDeployment('m'));
    const stream = client.messages.stream({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    const failure = stream.finalMessage();
    await expect(failure).rejects.toBeInstanceOf(APIError);
    await expect(failure).rejects.toMatchObject({ type: 'overloaded_error', apiMessage: "no healthy deployment for model 'm'" });
  });
});

describe('@anthropic-ai/sdk messages.create over chatToMessage', () => {
  test('a tool answer comes back whole, the tool result round trip reaches the chat request', async () => {
    const result: ChatCompletion = {
      id: 'chatcmpl-42',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o',
      choices: [
        {
          index: 0,
          logprobs: null,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: 'Let me look.',
            refusal: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } }],
          },
        },
      ],
      usage: finalUsage,
    };
    reply = (req, res) => jsonReply(200, chatToMessage(result, req.model))(req, res);
    const first = await client.messages.create({ model: 'claude-opus-4', max_tokens: 100, tools, messages: [{ role: 'user', content: 'Open a.ts' }] });
    expect(first).toEqual({
      id: 'msg_42',
      type: 'message',
      role: 'assistant',
      model: 'claude-opus-4',
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'call_1', name: 'read_file', input: { path: 'a.ts' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 200, cache_read_input_tokens: 1000, cache_creation_input_tokens: 0, output_tokens: 90, output_tokens_details: { thinking_tokens: 40 } },
    });

    await client.messages.create({
      model: 'claude-opus-4',
      max_tokens: 100,
      tools,
      messages: [
        { role: 'user', content: 'Open a.ts' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'export {}' }] },
      ],
    });
    expect(seen[1]?.messages.slice(1)).toEqual([
      { role: 'assistant', content: 'Let me look.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'export {}' },
    ]);
  });
});

describe('@anthropic-ai/sdk error classes from toAnthropicError', () => {
  test.each([
    ['429', rateLimited('slow down', 1), RateLimitError, 'rate_limit_error'],
    ['402 budget', new GatewayError(402, 'budget_exceeded', 'budget spent until 2025-01-01'), PaymentRequiredError, 'billing_error'],
    ['503', noHealthyDeployment('m'), ServiceUnavailableError, 'overloaded_error'],
  ] as const)('%s → the SDK error class, with our type and message', async (_name, err, errorClass, type) => {
    const { status, body } = toAnthropicError(err);
    reply = jsonReply(status, body);
    const call = client.messages.create({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] });
    await expect(call).rejects.toBeInstanceOf(errorClass);
    await expect(call).rejects.toMatchObject({ status, type, apiMessage: err.message });
  });
});
