import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { startMockOpenAI, mockOpenAIKey, mockVector } from '../helpers/mock-upstream/openai.ts';
import { faults, type MockServer } from '../helpers/mock-upstream/server.ts';

const key = 'sy-test-master-key';
let upstream: MockServer;
let backup: MockServer;
let gw: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  backup = await startMockOpenAI({ apiKey: 'sk-backup-key-abcdef' });
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }),
        masterKey({ key }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1 }),
      ],
      models: [
        {
          name: 'smart',
          deployments: [
            { provider: 'openai', model: 'gpt-4o' },
            { provider: 'openai', model: 'gpt-4o-mini', baseURL: `${backup.url}/v1`, apiKey: 'sk-backup-key-abcdef' },
          ],
        },
        { name: 'slow', deployments: [{ provider: 'openai', model: 'gpt-4o', timeout: 300 }], maxAttempts: 1 },
      ],
    }),
  );
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
});

afterAll(async () => {
  await gw.close(1000);
  await upstream.close();
  await backup.close();
});

beforeEach(() => {
  upstream.reset();
  backup.reset();
});

describe('chat completions through the official SDK', () => {
  test('non-stream answer comes back whole, with the gateway headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: hello');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-provider')).toBe('openai');
    expect(response.headers.get('x-switchyard-model')).toBe('gpt-4o');
    expect(response.headers.get('x-switchyard-attempts')).toBe('1');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    // Only the gateway's upstream key goes upstream, never the client's.
    expect(upstream.requests[0]?.headers.authorization).toBe(`Bearer ${mockOpenAIKey}`);
  });

  test('stream with include_usage ends with a usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o',
      messages: [{ role: 'user', content: 'stream me please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('echo: stream me please');
    expect(usage?.total_tokens).toBeGreaterThan(0);
    expect((upstream.requests[0]?.json as { model: string }).model).toBe('gpt-4o');
  });

  test('streamed SSE bytes are passed through unchanged', async () => {
    const res = await fetch(`${gw.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'abc' }] }),
    });
    const text = await res.text();
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).toContain('"system_fingerprint":"fp_mock"');
  });

  test('tools: a tool call, then the tool result in history', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    ];
    const first = await client.chat.completions.create({ model: 'gpt-4o', tools, messages: [{ role: 'user', content: 'weather in Paris?' }] });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    const second = await client.chat.completions.create({
      model: 'gpt-4o',
      tools,
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        first.choices[0]!.message,
        { role: 'tool', tool_call_id: call!.id, content: 'sunny' },
      ],
    });
    expect(second.choices[0]?.message.content).toBe('tool result: sunny');
  });

  test('streamed tool-call deltas assemble with the SDK helper', async () => {
    const runner = client.chat.completions.stream({
      model: 'gpt-4o',
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      tool_choice: 'required',
      messages: [{ role: 'user', content: 'x' }],
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
  });

  test('JSON mode and n=2', async () => {
    const res = await client.chat.completions.create({
      model: 'gpt-4o',
      n: 2,
      response_format: { type: 'json_object' },
      messages: [{ role: 'user', content: 'answer in JSON' }],
    });
    expect(res.choices).toHaveLength(2);
    expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ echo: 'echo: answer in JSON' });
  });

  test('the upstream rejection is relayed with its message (json_object without "json")', async () => {
    const err = await client.chat.completions
      .create({ model: 'gpt-4o', response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as APIError).message).toContain("must contain the word 'json'");
  });
});

describe('completions, embeddings, models', () => {
  test('legacy completions', async () => {
    const res = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say' });
    expect(res.choices[0]?.text).toBe(' completed: Say');
  });

  test('embeddings: SDK default (base64) decodes to the upstream vectors, batch order kept', async () => {
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(res.data).toHaveLength(2);
    expect(res.data[1]?.embedding[0]).toBeCloseTo(mockVector('b')[0]!, 5);
    const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'c', encoding_format: 'float', dimensions: 4 });
    expect(floats.data[0]?.embedding).toEqual(mockVector('c', 4));
  });

  test('models: groups and provider models; retrieve one with a slash in its id', async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(['smart', 'slow', 'openai/gpt-4o']));
    const one = await client.models.retrieve('openai/gpt-4o');
    expect(one.id).toBe('openai/gpt-4o');
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  test('every route answers without /v1 too', async () => {
    const bare = new OpenAI({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
    const res = await bare.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'no prefix' }] });
    expect(res.choices[0]?.message.content).toBe('echo: no prefix');
  });
});

describe('errors keep the OpenAI envelope', () => {
  test('401 without or with a wrong key', async () => {
    const anon = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
    await expect(anon.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('authentication_error');
  });

  test('404 for an unknown model, 400 naming the bad field, 400 for malformed JSON', async () => {
    await expect(client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
    await expect(
      client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], temperature: 'hot' as unknown as number }),
    ).rejects.toMatchObject({ status: 400, param: 'temperature' });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: '{"model": "gpt-4o", "messages": [',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
  });

  test('413 for a body over the limit, and the gateway keeps serving', async () => {
    const huge = 'x'.repeat(21 * 1024 * 1024);
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: huge }] }),
    }).catch((e: unknown) => e);
    // Either the 413 arrives, or the socket is closed on a body we refused to read.
    if (res instanceof Response) expect(res.status).toBe(413);
    const ok = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'still here' }] });
    expect(ok.choices[0]?.message.content).toBe('echo: still here');
  });

  test('an upstream 500 falls back to the next deployment', async () => {
    upstream.override(faults.status(500, { error: { message: 'boom', type: 'server_error' } }));
    const { data, response } = await client.chat.completions
      .create({ model: 'smart', messages: [{ role: 'user', content: 'fallback' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: fallback');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(response.headers.get('x-switchyard-model')).toBe('gpt-4o-mini');
    expect(backup.requests).toHaveLength(1);
  });

  test('a 400 from upstream is not retried', async () => {
    upstream.override(faults.status(400, { error: { message: 'bad thing', type: 'invalid_request_error', param: null, code: null } }));
    await expect(client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 400 });
    expect(backup.requests).toHaveLength(0);
  });

  test('429 everywhere ends in 429 with Retry-After', async () => {
    const limited = faults.status(429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }, { 'retry-after': '7' });
    upstream.override(limited, 5);
    backup.override(limited, 5);
    const err = (await client.chat.completions
      .create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(429);
    expect(err.headers?.get('retry-after')).toBe('7');
  });

  test('hang → 504, reset → 502, garbage → 502; the upstream key never reaches the client', async () => {
    upstream.override(faults.hang());
    await expect(client.chat.completions.create({ model: 'slow', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 504 });
    upstream.override(faults.reset(), 3);
    await expect(client.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 502 });
    upstream.override(faults.garbage(), 3);
    await expect(client.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 502 });
    upstream.override(faults.status(401, { error: { message: `Incorrect API key provided: ${mockOpenAIKey}.`, code: 'invalid_api_key' } }), 3);
    const err = (await client.chat.completions
      .create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(502);
    expect(JSON.stringify(err.error)).not.toContain(mockOpenAIKey);
  });

  test('a client that disconnects mid-stream aborts the upstream call', async () => {
    const slowUpstream = await startMockOpenAI({ chunkSize: 1, chunkGapMs: 50 });
    const slowGw = await startTestGateway(
      defineConfig({ plugins: [openai({ apiKey: mockOpenAIKey, baseURL: `${slowUpstream.url}/v1` }), modelRouting({})] }),
    );
    try {
      const controller = new AbortController();
      const slowClient = new OpenAI({ baseURL: `${slowGw.url}/v1`, apiKey: 'none', maxRetries: 0 });
      const stream = await slowClient.chat.completions.create(
        { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'a long answer that takes a while' }] },
        { signal: controller.signal },
      );
      let seen = 0;
      // The SDK ends the iteration quietly or throws an abort error, depending on timing.
      await (async () => {
        for await (const _ of stream) if (++seen === 3) controller.abort();
      })().catch(() => undefined);
      expect(seen).toBe(3);
      await expect.poll(() => slowUpstream.aborted.length, { timeout: 3000 }).toBe(1);
    } finally {
      await slowGw.close(500);
      await slowUpstream.close();
    }
  });

  test('an upstream stream cut mid-way ends the client stream with an error event', async () => {
    upstream.override((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = { id: 'x', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta: { content: 'par' }, finish_reason: null }] };
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('"content":"par"');
    const last = text.trim().split('\n\n').at(-1)!;
    expect(JSON.parse(last.slice('data: '.length))).toMatchObject({ error: { type: 'api_error' } });
    expect(text).not.toContain('[DONE]');
  });

  test('a stream that stalls longer than the timeout ends with a timeout error event', async () => {
    upstream.override((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = { id: 'x', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }] };
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'slow', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    const text = await res.text();
    expect(text).toContain('"type":"timeout_error"');
  });

  test('the gateway keeps serving after all of that', async () => {
    const res = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'ok', stream: true });
    let text = '';
    for await (const c of res) text += c.choices[0]?.text ?? '';
    expect(text).toBe(' completed: ok');
  });
});
