import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ChatStreamAssembler, parseSse, type ChatCompletionChunk, type ChatRequest, type Deployment } from 'switchyard';
import { cohereChat } from '../../../../plugins/providers/cohere/chat.ts';
import type { CohereStreamEvent } from '../../../../plugins/providers/cohere/wire.ts';

const target: Deployment = { id: 'd', group: 'g', provider: 'cohere', model: 'command-a-03-2025' };
const request: ChatRequest = { model: 'x', messages: [{ role: 'user', content: 'q' }], stream: true, stream_options: { include_usage: true } };

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text, 'utf8');
}

/** Runs an SSE fixture through the core's parser and the translation, as the core does. */
async function translate(fixture: string, req: ChatRequest = request): Promise<ChatCompletionChunk[]> {
  const state = cohereChat.startStream(target, req);
  const out: ChatCompletionChunk[] = [];
  const text = readFileSync(new URL(`./fixtures/${fixture}`, import.meta.url), 'utf8');
  for await (const m of parseSse(bytes(text))) out.push(...cohereChat.fromEvent(JSON.parse(m.data) as CohereStreamEvent, state, m.event));
  out.push(...(cohereChat.endStream?.(state) ?? []));
  return out;
}

function assemble(chunks: ChatCompletionChunk[]) {
  const a = new ChatStreamAssembler();
  for (const c of chunks) a.add(c);
  return a.result();
}

describe('cohere stream → OpenAI chunks', () => {
  test('text: role first, deltas, finish, then one usage chunk; ids and model on every chunk', async () => {
    const chunks = await translate('text.sse');
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([{ role: 'assistant', content: '' }, { content: 'Large' }, { content: ' Language Models' }, {}, undefined]);
    expect(chunks[3]?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks[4]).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 9, total_tokens: 12 } });
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set(['29f14a5a-11de-4cae-9800-25e4747408ea']));
    expect(chunks.every((c) => c.model === 'command-a-03-2025' && c.object === 'chat.completion.chunk')).toBe(true);
  });

  test('usage chunk from message-end: billed units, cached tokens reported', async () => {
    const state = cohereChat.startStream(target, request);
    const events: CohereStreamEvent[] = [
      { type: 'message-start', id: 'm1', delta: { message: { role: 'assistant' } } },
      { type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } },
      { type: 'content-delta', index: 0, delta: { message: { content: { text: 'ok' } } } },
      { type: 'content-end', index: 0 },
      { type: 'message-end', delta: { finish_reason: 'COMPLETE', usage: { billed_units: { input_tokens: 300, output_tokens: 12 }, tokens: { input_tokens: 366, output_tokens: 12 }, cached_tokens: 256 } } },
    ] as CohereStreamEvent[];
    const chunks = [...events.flatMap((e) => cohereChat.fromEvent(e, state, e.type)), ...(cohereChat.endStream?.(state) ?? [])];
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 300, completion_tokens: 12, total_tokens: 312, prompt_tokens_details: { cached_tokens: 256 } });
  });

  test('no usage chunk unless include_usage was asked', async () => {
    const chunks = await translate('text.sse', { ...request, stream_options: null });
    expect(chunks.some((c) => c.usage !== undefined)).toBe(false);
  });

  test('tool calls: stable index and id, argument deltas, {} for a call without arguments, plan as reasoning', async () => {
    const chunks = await translate('tool-calls.sse');
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toEqual({ index: 0, id: 'get_weather_nsz5zm3w56q3', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(calls.filter((c) => c.index === 0).slice(1).every((c) => c.id === undefined)).toBe(true);
    const final = assemble(chunks);
    const message = final.choices[0]?.message;
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(message?.reasoning_content).toBe('I will search for the weather.');
    expect(message?.tool_calls?.map((t) => (t.type === 'function' ? [t.id, t.function.name, JSON.parse(t.function.arguments)] : []))).toEqual([
      ['get_weather_nsz5zm3w56q3', 'get_weather', { location: 'Toronto' }],
      ['get_time_ab12', 'get_time', {}],
    ]);
  });

  test('thinking content streams as reasoning_content; citations and debug events are skipped', () => {
    const state = cohereChat.startStream(target, request);
    const events: CohereStreamEvent[] = [
      { type: 'content-start', index: 0, delta: { message: { content: { type: 'thinking', thinking: 'Let me ' } } } },
      { type: 'content-delta', index: 0, delta: { message: { content: { thinking: 'think.' } } } },
      { type: 'citation-start', index: 0 },
      { type: 'citation-end', index: 0 },
      { type: 'debug', prompt: 'raw' },
      { type: 'content-delta', index: 1, delta: { message: { content: { text: '' } } } },
    ];
    const deltas = events.flatMap((e) => cohereChat.fromEvent(e, state, e.type)).map((c) => c.choices[0]?.delta);
    expect(deltas).toEqual([{ reasoning_content: 'Let me ' }, { reasoning_content: 'think.' }]);
  });

  test('multi-byte text split across network reads is decoded whole', async () => {
    const text = readFileSync(new URL('./fixtures/text.sse', import.meta.url), 'utf8').replace('Large', 'Größe 🌍');
    const raw = Buffer.from(text, 'utf8');
    async function* pieces(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < raw.length; i += 3) yield raw.subarray(i, i + 3);
    }
    const state = cohereChat.startStream(target, request);
    let content = '';
    for await (const m of parseSse(pieces())) {
      for (const c of cohereChat.fromEvent(JSON.parse(m.data) as CohereStreamEvent, state, m.event)) content += c.choices[0]?.delta.content ?? '';
    }
    expect(content).toBe('Größe 🌍 Language Models');
  });

  test('errors: message-end with an error, an undocumented {message} event, a stream cut before message-end', () => {
    const state = cohereChat.startStream(target, request);
    expect(() => cohereChat.fromEvent({ type: 'message-end', delta: { error: 'model overloaded' } }, state, 'message-end')).toThrow(
      expect.objectContaining({ status: 502, message: 'model overloaded' }),
    );
    expect(() => cohereChat.fromEvent({ message: 'internal error' } as unknown as CohereStreamEvent, state, undefined)).toThrow(
      expect.objectContaining({ status: 502, message: 'internal error' }),
    );
    expect(() => cohereChat.endStream?.(cohereChat.startStream(target, request))).toThrow(expect.objectContaining({ status: 502 }));
  });

  test('the SSE event name stands in when the data has no type', () => {
    const state = cohereChat.startStream(target, request);
    const chunks = cohereChat.fromEvent({ id: 'abc' } as unknown as CohereStreamEvent, state, 'message-start');
    expect(chunks[0]?.id).toBe('abc');
  });
});
