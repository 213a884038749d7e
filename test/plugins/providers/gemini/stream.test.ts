import { describe, expect, test } from 'vitest';
import type { ChatCompletionChunk, ChatRequest, Deployment } from 'switchyard';
import { endStream, fromEvent, startStream } from '../../../../plugins/providers/gemini/stream.ts';
import type { GenerateContentBody } from '../../../../plugins/providers/gemini/types.ts';

const target: Deployment = { id: 'g', group: 'g', provider: 'gemini', model: 'gemini-2.0-flash' };
const request = (extra: Partial<ChatRequest> = {}) => ({ model: 'gemini-2.0-flash', messages: [], ...extra }) as unknown as ChatRequest;
const run = (events: GenerateContentBody[], extra: Partial<ChatRequest> = {}): ChatCompletionChunk[] => {
  const state = startStream('gemini', target, request(extra));
  return [...events.flatMap((e) => fromEvent(e, state)), ...endStream(state)];
};
/** A fragment of a stream, not ended: endStream would (rightly) call it cut off. */
const runOpen = (events: GenerateContentBody[], extra: Partial<ChatRequest> = {}): ChatCompletionChunk[] => {
  const state = startStream('gemini', target, request(extra));
  return events.flatMap((e) => fromEvent(e, state));
};
const text = (t: string, index?: number): GenerateContentBody => ({ candidates: [{ ...(index ? { index } : {}), content: { role: 'model', parts: [{ text: t }] } }] });

describe('streamGenerateContent events → chat chunks', () => {
  test('text deltas: role on the first, finish on the last, one id throughout; usage only when asked', () => {
    const events: GenerateContentBody[] = [
      { ...text('Hel'), responseId: 'r1', usageMetadata: { promptTokenCount: 4 } },
      text('lo'),
      { candidates: [{ content: { parts: [{ text: '!' }] }, finishReason: 'STOP' as never }], usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2, totalTokenCount: 6 } },
    ];
    const chunks = run(events, { stream_options: { include_usage: true } });
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([{ role: 'assistant', content: 'Hel' }, { content: 'lo' }, { content: '!' }, undefined]);
    expect(chunks.map((c) => c.choices[0]?.finish_reason ?? null)).toEqual([null, null, 'stop', null]);
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set(['chatcmpl-r1']));
    expect(chunks[3]).toMatchObject({ choices: [], usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } });
    expect(run(events).some((c) => c.usage)).toBe(false);
  });

  test('usage chunk: the last (growing) usageMetadata, thoughts added to the completion, cached tokens reported', () => {
    const chunks = run(
      [
        { ...text('a'), responseId: 'r2', usageMetadata: { promptTokenCount: 900, cachedContentTokenCount: 512, thoughtsTokenCount: 100 } },
        { candidates: [{ content: { parts: [{ text: 'b' }] }, finishReason: 'STOP' as never }], usageMetadata: { promptTokenCount: 900, cachedContentTokenCount: 512, thoughtsTokenCount: 120, candidatesTokenCount: 7, totalTokenCount: 1027 } },
      ],
      { stream_options: { include_usage: true } },
    );
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 900,
      completion_tokens: 127,
      total_tokens: 1027,
      prompt_tokens_details: { cached_tokens: 512 },
      completion_tokens_details: { reasoning_tokens: 120 },
    });
  });

  test('unicode arrives whole in each event (the SSE decoder joins split bytes) and passes through', () => {
    const chunks = runOpen([text('héllo 👋🏽'), text('日本')]);
    expect(chunks.map((c) => c.choices[0]?.delta.content).join('')).toBe('héllo 👋🏽日本');
  });

  test('function calls: one delta each, stable index counting across events, id and full arguments', () => {
    const call = (name: string, args?: Record<string, unknown>): GenerateContentBody => ({ candidates: [{ content: { parts: [{ functionCall: { name, ...(args ? { args } : {}) } }] } }] });
    const chunks = run([call('a', { q: 1 }), { candidates: [{ content: { parts: [{ functionCall: { name: 'b' } }] }, finishReason: 'STOP' as never }] }]);
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas.map((d) => [d.index, d.function?.name, d.function?.arguments])).toEqual([[0, 'a', '{"q":1}'], [1, 'b', '{}']]);
    expect(deltas.every((d) => d.type === 'function' && /^call_/.test(d.id ?? ''))).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  test('thought parts stream as reasoning_content', () => {
    const chunks = runOpen([{ candidates: [{ content: { parts: [{ text: 'hmm', thought: true }] } }] }, text('ok')]);
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([{ role: 'assistant', reasoning_content: 'hmm' }, { content: 'ok' }]);
  });

  test('candidates of n=2 keep their own index and their own first-role chunk', () => {
    const chunks = runOpen([{ candidates: [{ content: { parts: [{ text: 'a' }] } }, { index: 1, content: { parts: [{ text: 'b' }] } }] }, text('c', 1)], { n: 2 });
    expect(chunks.flatMap((c) => c.choices.map((ch) => [ch.index, ch.delta]))).toEqual([
      [0, { role: 'assistant', content: 'a' }],
      [1, { role: 'assistant', content: 'b' }],
      [1, { content: 'c' }],
    ]);
  });

  test('a blocked prompt ends every choice with content_filter; a SAFETY finish too', () => {
    const blocked = run([{ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' as never } }], { n: 2 });
    expect(blocked[0]?.choices.map((c) => [c.index, c.finish_reason])).toEqual([[0, 'content_filter'], [1, 'content_filter']]);
    expect(run([{ candidates: [{ finishReason: 'SAFETY' as never }] }])[0]?.choices[0]).toMatchObject({ delta: { role: 'assistant' }, finish_reason: 'content_filter' });
  });

  test('an error event mid-stream throws the mapped error (429 with its retry delay), key scrubbed', () => {
    const state = startStream('gemini', target, request());
    expect(fromEvent(text('partial'), state)).toHaveLength(1);
    const error = { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota for key AIzaSyA1234567890123456789012345 exceeded', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12.5s' }] };
    let thrown: unknown;
    try {
      fromEvent({ error }, state);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ status: 429, extra: { retryAfterS: 13, code: 'rate_limit_exceeded', provider: 'gemini' } });
    expect((thrown as Error).message).not.toContain('AIza');
  });

  test('a stream that ends before every candidate has a finishReason is cut off, not complete (#12.2)', () => {
    expect(() => run([text('partial')])).toThrow(/cut off/);
    // n=2: the second candidate never finished.
    expect(() => run([{ candidates: [{ content: { parts: [{ text: 'a' }] }, finishReason: 'STOP' as never }, { index: 1, content: { parts: [{ text: 'b' }] } }] }], { n: 2 })).toThrow(/cut off/);
    expect(() => run([])).toThrow(/cut off/);
  });
});
