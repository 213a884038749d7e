import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { GatewayError, rateLimited, upstreamUnreachable, type ChatCompletionChunk, type Usage } from 'switchyard';
import { ResponsesStreamEncoder, responsesToChat } from '../../../../plugins/inbound/responses/index.ts';
import { checkStream, chunk, counterIds, parseFrames, toolDelta, usageChunk } from './helpers.ts';

const { echo } = responsesToChat({ model: 'claude-sonnet-4', input: 'x', stream: true }, [], counterIds());

function encode(chunks: ChatCompletionChunk[], failWith?: GatewayError): { text: string; encoder: ResponsesStreamEncoder } {
  const encoder = new ResponsesStreamEncoder({ echo, id: 'resp_1', createdAt: 1700000000, newId: counterIds() });
  let text = encoder.start();
  for (const c of chunks) text += encoder.chunk(c);
  text += failWith === undefined ? encoder.end() : encoder.fail(failWith);
  return { text, encoder };
}

const usage: Usage = {
  prompt_tokens: 1200,
  completion_tokens: 90,
  total_tokens: 1290,
  prompt_tokens_details: { cached_tokens: 1000 },
  completion_tokens_details: { reasoning_tokens: 40 },
};

describe('ResponsesStreamEncoder', () => {
  test('text only: the exact event sequence', () => {
    const { text, encoder } = encode([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'stop'), usageChunk(usage)]);
    const s = checkStream(text);
    expect(s.types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const events = parseFrames(text).map((e) => e.data);
    expect(events[0]).toMatchObject({ response: { id: 'resp_1', status: 'in_progress', output: [], created_at: 1700000000, model: 'claude-sonnet-4' } });
    expect(events[0]?.response).not.toHaveProperty('usage');
    expect(events[2]).toEqual({ type: 'response.output_item.added', sequence_number: 2, output_index: 0, item: { id: 'msg_1', type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
    expect(events[4]).toEqual({ type: 'response.output_text.delta', sequence_number: 4, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hel', logprobs: [] });
    expect(s.items).toEqual([{ id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello', annotations: [] }] }]);
    expect(s.final.usage).toEqual({ input_tokens: 1200, input_tokens_details: { cached_tokens: 1000, cache_write_tokens: 0 }, output_tokens: 90, output_tokens_details: { reasoning_tokens: 40 }, total_tokens: 1290 });
    expect(encoder.response).toEqual(s.final);
  });

  test('text then two tool calls: the text item closes before the first call opens; each call in turn', () => {
    const { text } = encode([
      chunk({ content: 'Checking ' }),
      chunk({ content: 'both.' }),
      chunk({ tool_calls: [toolDelta(0, { id: 'call_a', name: 'weather', args: '' })] }),
      chunk({ tool_calls: [toolDelta(0, { args: '{"city":' })] }),
      chunk({ tool_calls: [toolDelta(0, { args: '"Paris"}' })] }),
      chunk({ tool_calls: [toolDelta(1, { id: 'call_b', name: 'weather', args: '{"city":"Rome"}' })] }),
      chunk({}, 'tool_calls'),
    ]);
    const s = checkStream(text);
    expect(s.types.slice(2)).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(s.items).toEqual([
      { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Checking both.', annotations: [] }] },
      { id: 'fc_2', type: 'function_call', status: 'completed', call_id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}' },
      { id: 'fc_3', type: 'function_call', status: 'completed', call_id: 'call_b', name: 'weather', arguments: '{"city":"Rome"}' },
    ]);
    expect(s.final.status).toBe('completed');
  });

  test('two parallel calls, fragments split mid-token and interleaved: the deltas of each call concatenate to its upstream arguments exactly', () => {
    const argsA = '{"path": "src/ünïcode 👋.ts", "range": [1, 20], "q": "a \\"quoted\\" \\\\ word"}';
    const argsB = '{"query":"x\\ny","limit":10}';
    // Cut inside string literals, escapes and numbers, and inside the surrogate pair of the emoji.
    const cutsA = [1, 7, 15, 19, 21, 40, 47, 60];
    const cutsB = [2, 9, 13, 22];
    const piecesA = split(argsA, cutsA);
    const piecesB = split(argsB, cutsB);
    const chunks: ChatCompletionChunk[] = [
      chunk({ tool_calls: [toolDelta(0, { id: 'call_a', name: 'read_file' })] }),
      chunk({ tool_calls: [toolDelta(1, { id: 'call_b', name: 'search' })] }),
    ];
    for (let i = 0; i < Math.max(piecesA.length, piecesB.length); i++) {
      const parts = [];
      if (piecesB[i] !== undefined) parts.push(toolDelta(1, { args: piecesB[i] }));
      if (piecesA[i] !== undefined) parts.push(toolDelta(0, { args: piecesA[i] }));
      // Some fragments come two in a chunk, some one per chunk.
      if (i % 2 === 0) chunks.push(chunk({ tool_calls: parts }));
      else for (const p of parts) chunks.push(chunk({ tool_calls: [p] }));
    }
    chunks.push(chunk({}, 'tool_calls'), usageChunk(usage));
    const s = checkStream(encode(chunks).text);
    expect(s.items.map((i) => i.type)).toEqual(['function_call', 'function_call']);
    expect(s.deltas).toEqual([argsA, argsB]);
    expect(s.items).toMatchObject([
      { call_id: 'call_a', name: 'read_file', arguments: argsA },
      { call_id: 'call_b', name: 'search', arguments: argsB },
    ]);
    // The first call streamed live: more than one delta.
    expect(s.types.filter((t) => t === 'response.function_call_arguments.delta').length).toBeGreaterThan(2);
  });

  test('one chunk carrying text and a tool call: text item first, then the call', () => {
    const { text } = encode([chunk({ content: 'Sure.', tool_calls: [toolDelta(0, { id: 'call_a', name: 'now', args: '{}' })] }, 'tool_calls')]);
    const s = checkStream(text);
    expect(s.items).toEqual([
      { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Sure.', annotations: [] }] },
      { id: 'fc_2', type: 'function_call', status: 'completed', call_id: 'call_a', name: 'now', arguments: '{}' },
    ]);
  });

  test('empty arguments: one delta {} so the deltas add up to the arguments the item carries', () => {
    const { text } = encode([chunk({ tool_calls: [toolDelta(0, { id: 'call_a', name: 'now', args: '' })] }), chunk({}, 'tool_calls')]);
    const s = checkStream(text);
    expect(s.deltas).toEqual(['{}']);
    expect(s.items).toEqual([{ id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_a', name: 'now', arguments: '{}' }]);
  });

  test('text after a call opened is sent as a last message item', () => {
    const { text } = encode([chunk({ tool_calls: [toolDelta(0, { id: 'call_a', name: 'now', args: '{}' })] }), chunk({ content: 'done' }), chunk({}, 'stop')]);
    const s = checkStream(text);
    expect(s.items.map((i) => [i.type, i.id])).toEqual([['function_call', 'fc_1'], ['message', 'msg_2']]);
    expect(s.deltas).toEqual(['{}', 'done']);
  });

  test('a call whose name comes late waits for it; the next call waits its turn', () => {
    const { text } = encode([
      chunk({ tool_calls: [toolDelta(0, { id: 'call_a', args: '{"a"' })] }),
      chunk({ tool_calls: [toolDelta(1, { id: 'call_b', name: 'second', args: '{}' })] }),
      chunk({ tool_calls: [toolDelta(0, { name: 'first', args: ':1}' })] }),
      chunk({}, 'tool_calls'),
    ]);
    const s = checkStream(text);
    expect(s.items).toMatchObject([
      { call_id: 'call_a', name: 'first', arguments: '{"a":1}' },
      { call_id: 'call_b', name: 'second', arguments: '{}' },
    ]);
  });

  test('a tool call without an id gets a call_ id', () => {
    const s = checkStream(encode([chunk({ tool_calls: [{ index: 0, function: { name: 'now', arguments: '{}' } }] }), chunk({}, 'tool_calls')]).text);
    expect(s.items[0]).toMatchObject({ type: 'function_call', call_id: 'call_2', name: 'now' });
  });

  test('a tool result round trip: the output continues the conversation and the answer streams as text', () => {
    const first = checkStream(encode([chunk({ tool_calls: [toolDelta(0, { id: 'call_w', name: 'weather', args: '{"city":"Paris"}' })] }), chunk({}, 'tool_calls')]).text);
    const call = first.items[0];
    expect(call).toMatchObject({ type: 'function_call', call_id: 'call_w' });
    const next = responsesToChat({ model: 'm', input: [call, { type: 'function_call_output', call_id: 'call_w', output: '18C' }], stream: true }, [], counterIds());
    expect(next.chat.messages).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_w', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_w', content: '18C' },
    ]);
    const answer = checkStream(encode([chunk({ content: 'It is 18C.' }), chunk({}, 'stop')]).text);
    expect(answer.final.output).toMatchObject([{ type: 'message', content: [{ text: 'It is 18C.' }] }]);
  });

  test('length → response.incomplete, reason max_output_tokens, last item incomplete', () => {
    const { text } = encode([chunk({ content: 'The answer' }), chunk({ tool_calls: [toolDelta(0, { id: 'c', name: 'f', args: '{"x":' })] }), chunk({}, 'length'), usageChunk(usage)]);
    const s = checkStream(text);
    expect(s.types.at(-1)).toBe('response.incomplete');
    expect(s.final.status).toBe('incomplete');
    expect(s.final.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(s.items.map((i) => i.status)).toEqual(['completed', 'incomplete']);
    expect(s.final.usage?.output_tokens).toBe(90);
    expect(s.final.completed_at).toBeNull();
  });

  test('content_filter → response.incomplete, reason content_filter', () => {
    const s = checkStream(encode([chunk({ content: 'partial' }), chunk({}, 'content_filter')]).text);
    expect(s.types.at(-1)).toBe('response.incomplete');
    expect(s.final.incomplete_details).toEqual({ reason: 'content_filter' });
    expect(s.items.map((i) => i.status)).toEqual(['incomplete']);
  });

  test('an empty stream still makes a valid response: created, in_progress, completed', () => {
    const s = checkStream(encode([chunk({}, 'stop')]).text);
    expect(s.types).toEqual(['response.created', 'response.in_progress', 'response.completed']);
    expect(s.final.output).toEqual([]);
  });

  test('upstream failure mid-stream: error, then response.failed with what was sent (the open item incomplete)', () => {
    const failure = upstreamUnreachable('anthropic');
    const { text, encoder } = encode([chunk({ content: 'Part' }), chunk({ tool_calls: [toolDelta(0, { id: 'c', name: 'f', args: '{"a"' })] }), chunk({ tool_calls: [toolDelta(1, { id: 'd', name: 'g', args: '{}' })] })], failure);
    const s = checkStream(text);
    expect(s.error).toEqual({ type: 'error', sequence_number: s.types.length - 2, code: 'upstream_unreachable', message: failure.message, param: null });
    expect(s.final.status).toBe('failed');
    expect(s.final.error).toEqual({ code: 'server_error', message: failure.message });
    // The text item was closed; the open call is reported incomplete; the buffered one is dropped.
    expect(s.final.output).toEqual([
      { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Part', annotations: [] }] },
      { id: 'fc_2', type: 'function_call', status: 'incomplete', call_id: 'c', name: 'f', arguments: '{"a"' },
    ]);
    expect(encoder.response).toEqual(s.final);
    expect(encoder.chunk(chunk({ content: 'late' }))).toBe('');
    expect(encoder.end()).toBe('');
  });

  test('a rate limit before anything was sent: created and in_progress first, so clients have a response to fail', () => {
    const encoder = new ResponsesStreamEncoder({ echo, newId: counterIds() });
    const s = checkStream(encoder.fail(rateLimited('slow down', 3)));
    expect(s.types).toEqual(['response.created', 'response.in_progress', 'error', 'response.failed']);
    expect(s.final.error).toEqual({ code: 'rate_limit_exceeded', message: 'slow down' });
  });

  test('start() is sent once, and chunk() sends it if the route did not', () => {
    const encoder = new ResponsesStreamEncoder({ echo, newId: counterIds() });
    const text = encoder.chunk(chunk({ content: 'a' })) + encoder.start() + encoder.end();
    expect(checkStream(text).types.filter((t) => t === 'response.created')).toHaveLength(1);
  });

  test('the response getter: in progress while streaming, final after end', () => {
    const encoder = new ResponsesStreamEncoder({ echo, id: 'resp_x', newId: counterIds() });
    encoder.chunk(chunk({ content: 'a' }));
    expect(encoder.response).toMatchObject({ id: 'resp_x', status: 'in_progress', output: [] });
    encoder.end();
    expect(encoder.response).toMatchObject({ id: 'resp_x', status: 'completed', output: [{ type: 'message' }] });
  });
});

function split(text: string, cuts: number[]): string[] {
  const pieces: string[] = [];
  let from = 0;
  for (const cut of cuts) {
    pieces.push(text.slice(from, cut));
    from = cut;
  }
  pieces.push(text.slice(from));
  return pieces;
}

describe('argument exactness, for any split and interleaving', () => {
  test('each call’s deltas concatenate to its upstream arguments; text is kept whole; the grammar holds', () => {
    const call = fc.record({
      args: fc.oneof(fc.json(), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constant('')),
      cuts: fc.array(fc.nat(60), { maxLength: 8 }),
    });
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 3 }), fc.string({ maxLength: 20 }), fc.array(fc.nat(), { minLength: 30, maxLength: 30 }), (calls, text, picks) => {
        // Every call's fragments in order, the calls' streams merged in a random order.
        const queues = calls.map((c, index) => {
          const cuts = [...new Set(c.cuts.map((n) => n % (c.args.length + 1)))].sort((a, b) => a - b);
          return split(c.args, cuts).map((piece, k) => toolDelta(index, k === 0 ? { id: `call_${index}`, name: `f${index}`, args: piece } : { args: piece }));
        });
        const chunks: ChatCompletionChunk[] = text === '' ? [] : [chunk({ content: text })];
        let p = 0;
        while (queues.some((q) => q.length > 0)) {
          const open = queues.filter((q) => q.length > 0);
          const queue = open[(picks[p++ % picks.length] ?? 0) % open.length] as ToolDeltas;
          chunks.push(chunk({ tool_calls: [queue.shift() as ToolDeltas[number]] }));
        }
        chunks.push(chunk({}, 'tool_calls'));
        const s = checkStream(encode(chunks).text);
        const fnItems = s.items.flatMap((item, i) => (item.type === 'function_call' ? [{ item, deltas: s.deltas[i] }] : []));
        // Calls are sent in order of first appearance.
        const firstSeen = [...new Set(chunks.flatMap((c) => (c.choices[0]?.delta.tool_calls ?? []).map((t) => t.index)))];
        expect(fnItems.map((f) => f.item.call_id)).toEqual(firstSeen.map((i) => `call_${i}`));
        for (const f of fnItems) {
          const upstream = calls[Number(f.item.call_id.slice('call_'.length))]?.args ?? '';
          expect(f.deltas).toBe(upstream === '' ? '{}' : upstream);
          expect(f.item.arguments).toBe(f.deltas);
        }
        expect(s.items.filter((item) => item.type === 'message').length).toBe(text === '' ? 0 : 1);
      }),
      { numRuns: 200 },
    );
  });
});

type ToolDeltas = ReturnType<typeof toolDelta>[];
