import { describe, expect, test } from 'vitest';
import { GatewayError, type ChatCompletionChunk, type ChatRequest, type DecodedEvent, type Deployment } from 'switchyard';
import { endConverseStream, fromConverseEvent, startConverseStream } from '../../../../plugins/providers/bedrock/chat-stream.ts';
import { decodeEventStream } from '../../../../plugins/providers/bedrock/event-stream.ts';
import type { ConverseStreamOutput, StreamException } from '../../../../plugins/providers/bedrock/wire.ts';
import { eventFrame, exceptionFrame } from '../../../helpers/mock-upstream/bedrock.ts';

const target: Deployment = { id: 'd', group: 'g', provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20241022-v2:0' };
const request = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'm', messages: [{ role: 'user', content: 'x' }], ...extra }) as ChatRequest;

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function decodeAll(bytes: Uint8Array, size: number): Promise<DecodedEvent[]> {
  const out: DecodedEvent[] = [];
  for await (const e of decodeEventStream(chunks(bytes, size), 'bedrock')) out.push(e);
  return out;
}

/** Runs events through the translation and returns the chunks. */
function translate(events: (ConverseStreamOutput | { exception: StreamException })[], req = request()): ChatCompletionChunk[] {
  const state = startConverseStream(target, req);
  const out: ChatCompletionChunk[] = [];
  for (const e of events) {
    if ('exception' in e) out.push(...fromConverseEvent(e.exception, state, 'exception'));
    else out.push(...fromConverseEvent(e, state, 'event'));
  }
  out.push(...endConverseStream(state));
  return out;
}

describe('event-stream decoding', () => {
  test('frames split one byte at a time, multi-byte characters included, decode whole', async () => {
    const text = 'naïve 日本 👋🏽';
    const bytes = Buffer.concat([eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text } }), eventFrame('messageStop', { stopReason: 'end_turn' })]);
    const events = await decodeAll(bytes, 1);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ name: 'event', data: { contentBlockDelta: { contentBlockIndex: 0, delta: { text } } } });
    expect(await decodeAll(bytes, bytes.length)).toEqual(events);
  });

  test('an exception frame and an error frame are reported as exceptions', async () => {
    const events = await decodeAll(exceptionFrame('throttlingException', 'slow down'), 5);
    expect(events).toEqual([{ name: 'exception', data: { type: 'throttlingException', message: 'slow down' } }]);
  });

  test('a corrupted frame and a frame cut short are 502s, not crashes', async () => {
    const frame = Buffer.from(eventFrame('messageStop', { stopReason: 'end_turn' }));
    frame[frame.length - 6] = (frame[frame.length - 6] ?? 0) ^ 0xff;
    await expect(decodeAll(frame, 64)).rejects.toMatchObject({ status: 502, extra: { code: 'upstream_invalid_response' } });
    await expect(decodeAll(eventFrame('messageStop', {}).subarray(0, 20), 64)).rejects.toMatchObject({ status: 502 });
  });
});

describe('ConverseStream → chunks', () => {
  test('text, then finish and (with include_usage) a usage chunk', () => {
    const out = translate(
      [
        { messageStart: { role: 'assistant' } },
        { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Hel' } } },
        { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'lo' } } },
        { contentBlockStop: { contentBlockIndex: 0 } },
        { messageStop: { stopReason: 'max_tokens' } },
        { metadata: { usage: { inputTokens: 10, outputTokens: 2, totalTokens: 12, cacheReadInputTokens: 4 }, metrics: { latencyMs: 1 } } },
      ],
      request({ stream_options: { include_usage: true } }),
    );
    expect(out.map((c) => c.choices[0]?.delta.content ?? null)).toEqual(['', 'Hel', 'lo', null, null]);
    expect(out[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(out[3]?.choices[0]?.finish_reason).toBe('length');
    expect(out[4]).toMatchObject({ choices: [], usage: { prompt_tokens: 14, completion_tokens: 2, total_tokens: 16, prompt_tokens_details: { cached_tokens: 4 } } });
    expect(new Set(out.map((c) => c.id)).size).toBe(1);
  });

  test('usage chunk: cache writes and reads, both apart from inputTokens, added to the prompt once', () => {
    const out = translate(
      [
        { messageStart: { role: 'assistant' } },
        { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'ok' } } },
        { messageStop: { stopReason: 'end_turn' } },
        { metadata: { usage: { inputTokens: 8, outputTokens: 3, totalTokens: 1511, cacheReadInputTokens: 0, cacheWriteInputTokens: 1500 }, metrics: { latencyMs: 1 } } },
      ],
      request({ stream_options: { include_usage: true } }),
    );
    expect(out.at(-1)?.usage).toEqual({
      prompt_tokens: 1508,
      completion_tokens: 3,
      total_tokens: 1511,
      prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 1500 },
    });
  });

  test('two tool calls keep stable indexes and ids; a call with no arguments gets {}', () => {
    const out = translate([
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Checking.' } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tu_1', name: 'weather' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"city":' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '"Paris"}' } } } },
      { contentBlockStop: { contentBlockIndex: 1 } },
      { contentBlockStart: { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'tu_2', name: 'time' } } } },
      { contentBlockStop: { contentBlockIndex: 2 } },
      { messageStop: { stopReason: 'tool_use' } },
    ]);
    const calls = out.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toEqual([
      { index: 0, id: 'tu_1', type: 'function', function: { name: 'weather', arguments: '' } },
      { index: 0, function: { arguments: '{"city":' } },
      { index: 0, function: { arguments: '"Paris"}' } },
      { index: 1, id: 'tu_2', type: 'function', function: { name: 'time', arguments: '' } },
      { index: 1, function: { arguments: '{}' } },
    ]);
    expect(out.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  test('reasoning deltas become reasoning_content; the signature is not shown', () => {
    const out = translate([
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'hmm' } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'sig' } } } },
      { messageStop: { stopReason: 'end_turn' } },
    ]);
    expect(out.map((c) => c.choices[0]?.delta.reasoning_content).filter(Boolean)).toEqual(['hmm']);
    expect(out).toHaveLength(3);
  });

  test('guardrail stop → content_filter; no usage chunk without include_usage', () => {
    const out = translate([
      { messageStart: { role: 'assistant' } },
      { messageStop: { stopReason: 'guardrail_intervened' } },
      { metadata: { usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }, metrics: { latencyMs: 1 } } },
    ]);
    expect(out.at(-1)?.choices[0]?.finish_reason).toBe('content_filter');
  });

  test('an exception mid-stream throws a mapped GatewayError; a stream without messageStop is an error', () => {
    const err = (() => {
      try {
        translate([{ messageStart: { role: 'assistant' } }, { exception: { type: 'throttlingException', message: 'Too many tokens' } }]);
      } catch (e) {
        return e;
      }
    })() as GatewayError;
    expect(err).toBeInstanceOf(GatewayError);
    expect(err.status).toBe(429);
    expect(err.message).toContain('Too many tokens');
    expect(() => translate([{ exception: { type: 'validationException', message: 'Input is too long for requested model.' } }])).toThrow(
      expect.objectContaining({ status: 400, extra: expect.objectContaining({ code: 'context_length_exceeded' }) }),
    );
    expect(() => translate([{ messageStart: { role: 'assistant' } }])).toThrow(/before messageStop/);
  });
});
