/**
 * The cache's behaviour through a real gateway and the official `openai` SDK, run against each
 * backend (memory always; Redis when REDIS_URL is set), so both behave alike.
 */
import type { ServerResponse } from 'node:http';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { defineConfig, definePlugin, type Plugin, type RunningGateway, type Usage } from 'switchyard';
import masterKey from '../../../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../../../plugins/fallback/ordered/index.ts';
import openai from '../../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../../helpers/gateway.ts';
import { mockOpenAIKey, mockVector, startMockOpenAI } from '../../../helpers/mock-upstream/openai.ts';
import { faults, sendJson, type MockServer, type RecordedRequest } from '../../../helpers/mock-upstream/server.ts';

const key = 'sy-cache-test-key';

export interface LogRecord {
  readonly cache: string | undefined;
  readonly usage: Usage | undefined;
  readonly status: number;
}

/** Records what the `log` stage sees: what spend and request logs would record. */
export function captureLog(records: LogRecord[]): Plugin {
  return definePlugin(() => ({
    name: 'test-capture',
    setup(gateway) {
      gateway.hooks.log.tapPromise('test-capture', async (ctx, outcome) => {
        records.push({ cache: ctx.cacheStatus, usage: ctx.usage, status: outcome.status });
      });
    },
  }))();
}

export function gatewayConfig(upstreamUrl: string, cache: Plugin, extra: Plugin[] = []) {
  return defineConfig({
    plugins: [openai({ apiKey: mockOpenAIKey, baseURL: `${upstreamUrl}/v1` }), masterKey({ key }), modelRouting({}), orderedFallback({ retryDelayMs: 1 }), cache, ...extra],
    models: [
      { name: 'smart', deployments: [{ provider: 'openai', model: 'gpt-4o' }] },
      { name: 'emb', deployments: [{ provider: 'openai', model: 'text-embedding-3-small' }] },
    ],
  });
}

export const sdk = (url: string) => new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });

/** A valid chat completion for hand-made upstream answers. */
export function chatBody(req: RecordedRequest, content: string): Record<string, unknown> {
  return {
    id: 'chatcmpl-slow',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: (req.json as { model: string }).model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
  };
}

let unique = 0;
/** A message no other test sends, so entries never leak between tests (or between runs, for Redis). */
export const fresh = (text: string): string => `${text} #${process.pid}-${Date.now()}-${++unique}`;

export function cacheBehaviourSuite(label: string, makeCache: () => Plugin): void {
  describe(`${label}: cache behaviour through the gateway`, () => {
    let upstream: MockServer;
    let gw: RunningGateway;
    let client: OpenAI;
    const records: LogRecord[] = [];

    beforeAll(async () => {
      upstream = await startMockOpenAI();
      gw = await startTestGateway(gatewayConfig(upstream.url, makeCache(), [captureLog(records)]));
      client = sdk(gw.url);
    });
    afterAll(async () => {
      await gw?.close(1000);
      await upstream?.close();
    });
    beforeEach(() => {
      upstream.reset();
      records.length = 0;
    });

    const chat = (content: string, extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}, headers: Record<string, string> = {}) =>
      client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content }], temperature: 0, ...extra }, { headers }).withResponse();

    test('a repeated request is a hit: no upstream call, same answer, Age, zero usage in the log', async () => {
      const text = fresh('hello');
      const first = await chat(text);
      expect(first.response.headers.get('x-switchyard-cache')).toBe('miss');
      expect(first.response.headers.get('age')).toBeNull();
      await vi.waitFor(() => expect(records).toHaveLength(1));
      // The store runs after the answer; the next identical request must find it.
      await vi.waitFor(async () => {
        const second = await chat(text);
        expect(second.response.headers.get('x-switchyard-cache')).toBe('hit');
        expect(second.response.headers.get('age')).toMatch(/^\d+$/);
        expect(second.data).toEqual(first.data);
      });
      expect(upstream.requests).toHaveLength(1);
      await vi.waitFor(() => expect(records.some((r) => r.cache === 'hit')).toBe(true));
      const hit = records.find((r) => r.cache === 'hit');
      expect(hit?.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
      expect(records[0]).toMatchObject({ cache: 'miss', usage: { total_tokens: first.data.usage?.total_tokens } });
    });

    test('stream and user do not split the cache; another param does', async () => {
      const text = fresh('params');
      await chat(text, { user: 'alice' });
      await vi.waitFor(async () => expect((await chat(text, { user: 'bob' })).response.headers.get('x-switchyard-cache')).toBe('hit'));
      const other = await chat(text, { max_tokens: 50 });
      expect(other.response.headers.get('x-switchyard-cache')).toBe('miss');
      expect(upstream.requests).toHaveLength(2);
    });

    test('a streamed miss is replayed as a stream (SDK), with usage only when asked, and as JSON', async () => {
      const text = fresh('stream me');
      const stream = await client.chat.completions.create({
        model: 'smart',
        messages: [{ role: 'user', content: text }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let original = '';
      for await (const chunk of stream) original += chunk.choices[0]?.delta.content ?? '';
      expect(original).toBe(`echo: ${text}`);
      expect(upstream.requests).toHaveLength(1);

      await vi.waitFor(async () => {
        const { data: replayed, response } = await client.chat.completions
          .create({ model: 'smart', messages: [{ role: 'user', content: text }], stream: true, stream_options: { include_usage: true } })
          .withResponse();
        expect(response.headers.get('x-switchyard-cache')).toBe('hit');
        expect(response.headers.get('content-type')).toContain('text/event-stream');
        let content = '';
        let usage: OpenAI.CompletionUsage | null | undefined;
        let finish: string | null | undefined;
        let role: string | undefined;
        for await (const chunk of replayed) {
          role ??= chunk.choices[0]?.delta.role;
          content += chunk.choices[0]?.delta.content ?? '';
          finish = chunk.choices[0]?.finish_reason ?? finish;
          if (chunk.usage) usage = chunk.usage;
        }
        expect(role).toBe('assistant');
        expect(content).toBe(original);
        expect(finish).toBe('stop');
        expect(usage?.total_tokens).toBeGreaterThan(0);
      });

      // Without include_usage: no usage chunk.
      const plain = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: text }], stream: true });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of plain) chunks.push(chunk);
      expect(chunks.some((c) => c.usage)).toBe(false);
      expect(chunks.every((c) => c.choices.length === 1)).toBe(true);

      // The same entry answers a non-streaming request with the whole JSON.
      const whole = await chat(text, { temperature: undefined });
      expect(whole.response.headers.get('x-switchyard-cache')).toBe('hit');
      expect(whole.data.object).toBe('chat.completion');
      expect(whole.data.choices[0]?.message.content).toBe(original);
      expect(upstream.requests).toHaveLength(1);
    });

    test('a cached tool call replays as a stream the SDK helper assembles', async () => {
      const tools: OpenAI.ChatCompletionTool[] = [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
      ];
      const text = fresh('weather in Paris?');
      const first = await chat(text, { tools });
      expect(first.data.choices[0]?.finish_reason).toBe('tool_calls');
      await vi.waitFor(async () => {
        const runner = client.chat.completions.stream({ model: 'smart', messages: [{ role: 'user', content: text }], temperature: 0, tools });
        const final = await runner.finalChatCompletion();
        expect(final.choices[0]?.message.tool_calls).toEqual(first.data.choices[0]?.message.tool_calls);
        expect(final.choices[0]?.finish_reason).toBe('tool_calls');
        expect(upstream.requests).toHaveLength(1);
      });
    });

    test('legacy completions: cached, and replayed as a stream', async () => {
      const prompt = fresh('complete this');
      const first = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt, temperature: 0 });
      await vi.waitFor(async () => {
        const stream = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt, temperature: 0, stream: true });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
        expect(text).toBe(first.choices[0]?.text);
      });
      expect(upstream.requests).toHaveLength(1);
    });

    test('Cache-Control: no-cache skips the lookup but stores; no-store does neither', async () => {
      const text = fresh('controls');
      await chat(text);
      await vi.waitFor(async () => expect((await chat(text)).response.headers.get('x-switchyard-cache')).toBe('hit'));
      const skipped = await chat(text, {}, { 'cache-control': 'no-cache' });
      expect(skipped.response.headers.get('x-switchyard-cache')).toBe('miss');
      expect(upstream.requests).toHaveLength(2);

      const other = fresh('no-store');
      await chat(other, {}, { 'cache-control': 'no-store' });
      await new Promise((r) => setTimeout(r, 50));
      const again = await chat(other);
      expect(again.response.headers.get('x-switchyard-cache')).toBe('miss');
      expect(upstream.requests).toHaveLength(4);
    });

    test('a malformed ttl header is a 400 naming it', async () => {
      const err = (await chat(fresh('bad ttl'), {}, { 'x-switchyard-cache-ttl': 'later' }).catch((e: unknown) => e)) as APIError;
      expect(err.status).toBe(400);
      expect(err.param).toBe('x-switchyard-cache-ttl');
      expect(upstream.requests).toHaveLength(0);
    });

    test('a per-request ttl expires the entry', async () => {
      const text = fresh('short lived');
      await chat(text, {}, { 'x-switchyard-cache-ttl': '1' });
      await vi.waitFor(async () => expect((await chat(text)).response.headers.get('x-switchyard-cache')).toBe('hit'));
      await new Promise((r) => setTimeout(r, 1100));
      expect((await chat(text)).response.headers.get('x-switchyard-cache')).toBe('miss');
      expect(upstream.requests).toHaveLength(2);
    });

    test('a stream that fails midway is not stored', async () => {
      const text = fresh('broken stream');
      upstream.override((req, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = { id: 'x', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta: { role: 'assistant', content: 'part' }, finish_reason: null }] };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        setTimeout(() => res.socket?.destroy(), 20);
        void req;
      });
      const stream = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: text }], stream: true });
      await expect(
        (async () => {
          for await (const _ of stream) void _;
        })(),
      ).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 50));
      const again = await chat(text, { temperature: undefined });
      expect(again.response.headers.get('x-switchyard-cache')).toBe('miss');
      expect(again.data.choices[0]?.message.content).toBe(`echo: ${text}`);
      expect(upstream.requests).toHaveLength(2);
    });

    test('a streamed answer to a logprobs request is not stored (assembly drops logprobs)', async () => {
      const text = fresh('logprobs');
      for (let i = 0; i < 2; i++) {
        const s = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: text }], logprobs: true, stream: true });
        for await (const _ of s) void _;
        await new Promise((r) => setTimeout(r, 30));
      }
      expect(upstream.requests).toHaveLength(2);
    });

    test('50 identical concurrent requests make one upstream call', async () => {
      const text = fresh('coalesce me');
      upstream.override(faults.delay(300, (req, res) => sendJson(res, 200, chatBody(req, 'shared answer'))));
      const all = await Promise.all(Array.from({ length: 50 }, () => chat(text)));
      expect(upstream.requests).toHaveLength(1);
      expect(all.every((r) => r.data.choices[0]?.message.content === 'shared answer')).toBe(true);
      const statuses = all.map((r) => r.response.headers.get('x-switchyard-cache'));
      expect(statuses.filter((s) => s === 'miss')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'hit')).toHaveLength(49);
    });

    test('streaming requests coalesce too, and get a well-formed replay', async () => {
      const text = fresh('coalesce stream');
      upstream.override(faults.delay(300, (req, res) => sendJson(res, 200, chatBody(req, 'streamed shared'))));
      // The leader asks for JSON; the waiters stream.
      const leader = chat(text);
      await new Promise((r) => setTimeout(r, 50));
      const streams = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const s = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: text }], temperature: 0, stream: true });
          let out = '';
          for await (const c of s) out += c.choices[0]?.delta.content ?? '';
          return out;
        }),
      );
      expect((await leader).data.choices[0]?.message.content).toBe('streamed shared');
      expect(streams.every((s) => s === 'streamed shared')).toBe(true);
      expect(upstream.requests).toHaveLength(1);
    });

    test('a failed leader is not shared: waiters call upstream again (one of them leads)', async () => {
      const text = fresh('leader fails');
      upstream.override(faults.delay(300, faults.status(400, { error: { message: 'nope', type: 'invalid_request_error', param: null, code: null } })));
      upstream.override(faults.delay(100, (req, res) => sendJson(res, 200, chatBody(req, 'second try'))));
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => chat(text)));
      const failed = results.filter((r) => r.status === 'rejected');
      expect(failed).toHaveLength(1);
      expect((failed[0] as PromiseRejectedResult).reason).toMatchObject({ status: 400 });
      const ok = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof chat>>> => r.status === 'fulfilled');
      expect(ok.every((r) => r.value.data.choices[0]?.message.content === 'second try')).toBe(true);
      expect(upstream.requests).toHaveLength(2);
    });

    test('embeddings are cached per input; a partly cached batch sends only the rest, in order', async () => {
      const [a, b, c] = [fresh('alpha'), fresh('beta'), fresh('gamma')];
      const first = await client.embeddings.create({ model: 'emb', input: [a, b], encoding_format: 'float' });
      expect(first.data.map((d) => d.embedding)).toEqual([mockVector(a), mockVector(b)]);
      await vi.waitFor(async () => {
        upstream.reset();
        const { data, response } = await client.embeddings.create({ model: 'emb', input: [b, c, a], encoding_format: 'float' }).withResponse();
        expect(data.data.map((d) => d.index)).toEqual([0, 1, 2]);
        expect(data.data.map((d) => d.embedding)).toEqual([mockVector(b), mockVector(c), mockVector(a)]);
        expect(response.headers.get('x-switchyard-cache')).toBe('miss');
        expect(upstream.requests.map((r) => (r.json as { input: unknown }).input)).toEqual([[c]]);
      });
      await vi.waitFor(async () => {
        upstream.reset();
        const { data, response } = await client.embeddings.create({ model: 'emb', input: [c, a], encoding_format: 'float' }).withResponse();
        expect(response.headers.get('x-switchyard-cache')).toBe('hit');
        expect(data.data.map((d) => d.embedding)).toEqual([mockVector(c), mockVector(a)]);
        expect(data.usage.total_tokens).toBe(0);
        expect(upstream.requests).toHaveLength(0);
      });
      // The SDK's default (base64) is its own entry, decoded by the SDK to the same vectors.
      const b64 = await client.embeddings.create({ model: 'emb', input: a });
      expect(b64.data[0]?.embedding.map((x) => Math.round(x * 1e6))).toEqual(mockVector(a).map((x) => Math.round(x * 1e6)));
    });

    test('identical embeddings batches in flight make one upstream call', async () => {
      const inputs = [fresh('e1'), fresh('e2')];
      upstream.override(
        faults.delay(300, (req, res) =>
          sendJson(res, 200, {
            object: 'list',
            model: 'text-embedding-3-small',
            data: inputs.map((t, index) => ({ object: 'embedding', index, embedding: mockVector(t) })),
            usage: { prompt_tokens: 4, total_tokens: 4 },
          }),
        ),
      );
      const all = await Promise.all(Array.from({ length: 10 }, () => client.embeddings.create({ model: 'emb', input: inputs, encoding_format: 'float' })));
      expect(upstream.requests).toHaveLength(1);
      expect(all.every((r) => r.data[1]?.embedding.join() === mockVector(inputs[1] as string).join())).toBe(true);
    });
  });
}
