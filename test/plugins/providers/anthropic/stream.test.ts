import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseSse, type ChatCompletionChunk, type ChatRequest } from 'switchyard';
import { chunksFromEvent, endStream, startStream, type AnthropicStreamEvent } from '../../../../plugins/providers/anthropic/stream.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const req = { model: 'claude', messages: [{ role: 'user', content: 'hi' }] } satisfies ChatRequest;

async function* inPieces(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Runs an SSE body through the core's parser and the translation, as the core does. */
async function translate(bytes: Buffer, request: ChatRequest = req, size = bytes.length): Promise<ChatCompletionChunk[]> {
  const state = startStream('anthropic', ['sk-ant-secret-key-999'], 'claude-3-5-sonnet-20241022', request);
  const out: ChatCompletionChunk[] = [];
  for await (const message of parseSse(inPieces(bytes, size))) {
    out.push(...chunksFromEvent(JSON.parse(message.data) as AnthropicStreamEvent, state, message.event));
  }
  out.push(...endStream(state));
  return out;
}

const text = (chunks: ChatCompletionChunk[]): string => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

describe('stream translation', () => {
  test('text stream: role first, content deltas, finish chunk, id and model from message_start', async () => {
    const chunks = await translate(fixture('text.sse'));
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(text(chunks)).toBe('Hello! Grüße, 世界 👋');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.every((c) => c.id === 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY' && c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  test('unicode split across network reads (every 1 to 7 bytes) comes out whole', async () => {
    for (const size of [1, 2, 3, 5, 7]) expect(text(await translate(fixture('text.sse'), req, size))).toBe('Hello! Grüße, 世界 👋');
  });

  test('include_usage: a final chunk with empty choices and usage, cache reads and writes counted in the prompt', async () => {
    const chunks = await translate(fixture('text.sse'), { ...req, stream: true, stream_options: { include_usage: true } });
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual({ prompt_tokens: 50, completion_tokens: 15, total_tokens: 65, prompt_tokens_details: { cached_tokens: 20, cache_creation_tokens: 5 } });
  });

  test('include_usage: cache writes and reads added to the prompt once, thinking as reasoning (message_delta counts are cumulative)', async () => {
    const events = [
      { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-20250514', content: [], stop_reason: null, stop_sequence: null,
        usage: { input_tokens: 12, cache_creation_input_tokens: 1000, cache_read_input_tokens: 3000, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } },
      { type: 'content_block_stop', index: 0 },
      // Newer API versions repeat the input counts here (cumulative, not increments); null means unchanged.
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { input_tokens: 12, cache_creation_input_tokens: 1000, cache_read_input_tokens: null, output_tokens: 40, output_tokens_details: { thinking_tokens: 25 } } },
      { type: 'message_stop' },
    ];
    const sse = Buffer.from(events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(''));
    const chunks = await translate(sse, { ...req, stream: true, stream_options: { include_usage: true } });
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 4012,
      completion_tokens: 40,
      total_tokens: 4052,
      prompt_tokens_details: { cached_tokens: 3000, cache_creation_tokens: 1000 },
      completion_tokens_details: { reasoning_tokens: 25 },
    });
  });

  test('tool calls: stable index and id, argument deltas, a call without arguments gets "{}"', async () => {
    const chunks = await translate(fixture('tool-use.sse'));
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toEqual({ index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } });
    const args = (i: number) => calls.filter((c) => c.index === i).map((c) => c.function?.arguments ?? '').join('');
    expect(JSON.parse(args(0))).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });
    expect(calls.filter((c) => c.id !== undefined).map((c) => [c.index, c.id])).toEqual([
      [0, 'toolu_01T1x1fJ34qAmk2tNTrN7Up6'],
      [1, 'toolu_01NoArgs000000000000000'],
    ]);
    expect(args(1)).toBe('{}');
    expect(text(chunks)).toBe("Okay, let's check the weather for San Francisco, CA:");
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  test('thinking deltas → reasoning_content; signature deltas are not sent', async () => {
    const chunks = await translate(fixture('thinking.sse'));
    expect(chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? '').join('')).toBe('Let me solve this step by step:\n\n1. First break down 27 * 453');
    expect(text(chunks)).toBe('27 * 453 = 12,231');
    expect(JSON.stringify(chunks)).not.toContain('EqQBCg');
  });

  test('JSON mode: the forced tool streams as content, finish_reason stop', async () => {
    const sse = fixture('tool-use.sse').toString('utf8').replaceAll('get_weather', 'json_response').replace(/event: content_block_start\ndata: \{"type":"content_block_start","index":2[\s\S]*?content_block_stop","index":2\}\n\n/, '');
    const chunks = await translate(Buffer.from(sse), { ...req, response_format: { type: 'json_object' } });
    expect(chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])).toEqual([]);
    expect(text(chunks)).toBe('Okay, let\'s check the weather for San Francisco, CA:{"location": "San Francisco, CA", "unit": "fahrenheit"}');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });

  test('an error event mid-stream throws the mapped error (overloaded → 503), after the partial text', async () => {
    const state = startStream('anthropic', [], 'claude', req);
    const seen: ChatCompletionChunk[] = [];
    const run = async () => {
      for await (const m of parseSse(inPieces(fixture('error-mid-stream.sse'), 9))) seen.push(...chunksFromEvent(JSON.parse(m.data) as AnthropicStreamEvent, state, m.event));
    };
    await expect(run()).rejects.toMatchObject({ status: 503, message: 'Overloaded', extra: { provider: 'anthropic' } });
    expect(text(seen)).toBe('Partial');
  });

  test('an error event never echoes the key', () => {
    const state = startStream('anthropic', ['sk-ant-secret-key-999'], 'claude', req);
    const event = { type: 'error', error: { type: 'rate_limit_error', message: 'slow down, sk-ant-secret-key-999' } } as const;
    expect(() => chunksFromEvent(event, state, 'error')).toThrow(expect.objectContaining({ status: 429, message: 'slow down, [redacted]' }));
  });

  test('a stream cut before message_stop is an error, not a complete answer', async () => {
    const cut = fixture('text.sse').toString('utf8').split('event: message_delta')[0] as string;
    await expect(translate(Buffer.from(cut))).rejects.toMatchObject({ status: 502, extra: { code: 'upstream_invalid_response' } });
  });
});
