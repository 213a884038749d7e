import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { GatewayError, rateLimited, upstreamInvalid, type ChatCompletionChunk, type Usage } from 'switchyard';
import { messagesToChat } from '../../../../plugins/inbound/messages/request.ts';
import { MessagesStreamEncoder } from '../../../../plugins/inbound/messages/stream.ts';
import { checkOrder, chunk, events, toolDelta, usageChunk } from './stream-check.ts';

/** Runs chunks through a fresh encoder, as a route would, and returns the whole SSE text. */
function encode(chunks: ChatCompletionChunk[], opts: { id?: string; model: string } = { model: 'claude-sonnet-4-5' }): string {
  const encoder = new MessagesStreamEncoder(opts);
  return chunks.map((c) => encoder.chunk(c)).join('') + encoder.end();
}

const usage: Usage = { prompt_tokens: 30, completion_tokens: 7, total_tokens: 37 };
const zeroUsage = { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 };

describe('MessagesStreamEncoder: text', () => {
  test('text only: the exact event sequence', () => {
    const sse = encode([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo ü' }), chunk({}, 'stop'), usageChunk(usage)]);
    expect(events(sse)).toEqual([
      {
        type: 'message_start',
        message: {
          id: 'msg_9xYz',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4-5',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: zeroUsage,
        },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo ü' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { input_tokens: 30, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 7 },
      },
      { type: 'message_stop' },
    ]);
  });

  test('frames are written as soon as they are complete: a role-only chunk gives message_start, text its delta', () => {
    const encoder = new MessagesStreamEncoder({ model: 'm', id: 'msg_fixed' });
    expect(events(encoder.chunk(chunk({ role: 'assistant' })))).toMatchObject([{ type: 'message_start', message: { id: 'msg_fixed' } }]);
    expect(events(encoder.chunk(chunk({ content: 'a' })))).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'a' } },
    ]);
    expect(encoder.chunk(chunk({}, 'stop'))).toBe('');
    expect(encoder.chunk(usageChunk(usage))).toBe('');
  });

  test('start() sends message_start once, before any chunk; its id is random msg_ without opts.id', () => {
    const encoder = new MessagesStreamEncoder({ model: 'm' });
    const start = events(encoder.start());
    expect(start).toHaveLength(1);
    expect(start[0]).toMatchObject({ type: 'message_start', message: { id: expect.stringMatching(/^msg_[0-9a-f]{24}$/) } });
    expect(encoder.start()).toBe('');
    expect(events(encoder.chunk(chunk({ role: 'assistant' })))).toEqual([]);
  });

  test('an empty stream still gives a valid message: start, delta, stop', () => {
    const list = events(encode([]));
    expect(list.map((e) => e.type)).toEqual(['message_start', 'message_delta', 'message_stop']);
  });

  test('reasoning deltas are dropped; the text around them is kept', () => {
    const sse = encode([chunk({ reasoning_content: 'let me think' }), chunk({ content: 'Answer' }), chunk({ reasoning_content: 'more' }), chunk({}, 'stop')]);
    expect(checkOrder(events(sse))).toEqual([{ type: 'text', body: 'Answer', deltas: 1 }]);
  });

  test('a stop sequence the upstream names (vLLM stop_reason) → stop_sequence', () => {
    const last = chunk({}, 'stop');
    (last.choices[0] as object as { stop_reason: string }).stop_reason = '###';
    const list = events(encode([chunk({ content: 'x' }), last]));
    expect(list.at(-2)).toMatchObject({ type: 'message_delta', delta: { stop_reason: 'stop_sequence', stop_sequence: '###' } });
  });

  test('an OpenAI refusal streams as text and stops with refusal', () => {
    const list = events(encode([chunk({ refusal: "I can't" }), chunk({ refusal: ' help.' }), chunk({}, 'stop')]));
    expect(checkOrder(list)).toEqual([{ type: 'text', body: "I can't help.", deltas: 2 }]);
    expect(list.at(-2)).toMatchObject({ delta: { stop_reason: 'refusal' } });
  });
});

describe('MessagesStreamEncoder: tools', () => {
  test('text then one tool: text closed before the tool opens, arguments streamed live, tool_use', () => {
    const encoder = new MessagesStreamEncoder({ model: 'm' });
    encoder.chunk(chunk({ role: 'assistant', content: 'Checking.' }));
    const open = events(encoder.chunk(chunk(toolDelta(0, '', { id: 'call_A', name: 'get_weather' }))));
    expect(open).toEqual([
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_A', name: 'get_weather', input: {} } },
    ]);
    expect(events(encoder.chunk(chunk(toolDelta(0, '{"city":'))))).toEqual([
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
    ]);
    encoder.chunk(chunk(toolDelta(0, '"Paris"}')));
    encoder.chunk(chunk({}, 'tool_calls'));
    const tail = events(encoder.end());
    expect(tail).toEqual([
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: zeroUsage },
      { type: 'message_stop' },
    ]);
  });

  test('text then two sequential tools: the second is sent whole after the first closes', () => {
    const sse = encode([
      chunk({ role: 'assistant', content: 'Two lookups.' }),
      chunk(toolDelta(0, '{"city":', { id: 'call_A', name: 'get_weather' })),
      chunk(toolDelta(0, '"Paris"}')),
      chunk(toolDelta(1, '', { id: 'call_B', name: 'get_time' })),
      chunk(toolDelta(1, '{"tz":"Europe/Rome"}')),
      chunk({}, 'tool_calls'),
      usageChunk(usage),
    ]);
    expect(checkOrder(events(sse))).toEqual([
      { type: 'text', body: 'Two lookups.', deltas: 1 },
      { type: 'tool_use', id: 'call_A', name: 'get_weather', body: '{"city":"Paris"}', deltas: 2 },
      { type: 'tool_use', id: 'call_B', name: 'get_time', body: '{"tz":"Europe/Rome"}', deltas: 1 },
    ]);
  });

  test('two parallel calls split mid-token and interleaved: each block is exactly its upstream arguments', () => {
    const argsA = '{"path": "src/ünïcode 👋.ts", "lines": [1, 20]}';
    const argsB = '{"query":"a \\"quoted\\" word","limit":5}';
    const sse = encode([
      chunk({ role: 'assistant' }),
      chunk(toolDelta(0, '{"pa', { id: 'call_A', name: 'read_file' })),
      chunk(toolDelta(1, '{"que', { id: 'call_B', name: 'search' })),
      chunk(toolDelta(0, 'th": "src/ünï')),
      chunk(toolDelta(1, 'ry":"a \\"quo')),
      chunk(toolDelta(0, 'code 👋.ts", "li')),
      chunk(toolDelta(1, 'ted\\" word","lim')),
      chunk(toolDelta(0, 'nes": [1, 2')),
      chunk(toolDelta(1, 'it":5}')),
      chunk(toolDelta(0, '0]}')),
      chunk({}, 'tool_calls'),
      usageChunk(usage),
    ]);
    const blocks = checkOrder(events(sse));
    expect(blocks.map((b) => [b.id, b.name, b.body])).toEqual([
      ['call_A', 'read_file', argsA],
      ['call_B', 'search', argsB],
    ]);
    expect(JSON.parse(blocks[0]?.body ?? '')).toEqual({ path: 'src/ünïcode 👋.ts', lines: [1, 20] });
    expect(JSON.parse(blocks[1]?.body ?? '')).toEqual({ query: 'a "quoted" word', limit: 5 });
  });

  test('one chunk carrying text and a tool call: text block first, then the tool', () => {
    const sse = encode([
      chunk({ role: 'assistant', content: 'On it.', tool_calls: [{ index: 0, id: 'call_X', type: 'function', function: { name: 'run', arguments: '{"cmd":"ls"}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    const list = events(sse);
    expect(checkOrder(list)).toEqual([
      { type: 'text', body: 'On it.', deltas: 1 },
      { type: 'tool_use', id: 'call_X', name: 'run', body: '{"cmd":"ls"}', deltas: 1 },
    ]);
  });

  test('one chunk carrying two tool calls', () => {
    const sse = encode([
      chunk({
        tool_calls: [
          { index: 0, id: 'c0', type: 'function', function: { name: 'a', arguments: '{"x":1}' } },
          { index: 1, id: 'c1', type: 'function', function: { name: 'b', arguments: '{"y":2}' } },
        ],
      }),
      chunk({}, 'tool_calls'),
    ]);
    expect(checkOrder(events(sse)).map((b) => [b.id, b.body])).toEqual([
      ['c0', '{"x":1}'],
      ['c1', '{"y":2}'],
    ]);
  });

  test('empty arguments: the block opens and closes with no delta (the SDK keeps input {})', () => {
    const sse = encode([
      chunk(toolDelta(0, '', { id: 'c0', name: 'now' })),
      chunk({ tool_calls: [{ index: 1, id: 'c1', type: 'function', function: { name: 'ping' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    expect(checkOrder(events(sse))).toEqual([
      { type: 'tool_use', id: 'c0', name: 'now', body: '', deltas: 0 },
      { type: 'tool_use', id: 'c1', name: 'ping', body: '', deltas: 0 },
    ]);
  });

  test('a call whose name arrives after its first fragments waits, keeping every fragment; a missing id is made up', () => {
    const sse = encode([
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { name: 'late_name', arguments: ':1' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { name: 'late_name', arguments: '}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    const [block] = checkOrder(events(sse));
    expect(block).toMatchObject({ type: 'tool_use', name: 'late_name', body: '{"a":1}' });
    expect(block?.id).toMatch(/^toolu_[0-9a-f]{24}$/);
  });

  test('text after a tool block opened is sent as a last text block (blocks never interleave)', () => {
    const sse = encode([
      chunk({ content: 'Before.' }),
      chunk(toolDelta(0, '{}', { id: 'c0', name: 'f' })),
      chunk({ content: 'After' }),
      chunk({ content: '.' }),
      chunk({}, 'tool_calls'),
    ]);
    expect(checkOrder(events(sse))).toEqual([
      { type: 'text', body: 'Before.', deltas: 1 },
      { type: 'tool_use', id: 'c0', name: 'f', body: '{}', deltas: 1 },
      { type: 'text', body: 'After.', deltas: 1 },
    ]);
  });

  test('a tool result round trip: the streamed tool_use goes back with its result as chat tool messages; the answer streams as text', () => {
    const first = checkOrder(events(encode([chunk(toolDelta(0, '{"city":', { id: 'call_w', name: 'get_weather' })), chunk(toolDelta(0, '"Paris"}')), chunk({}, 'tool_calls')])));
    expect(first).toEqual([{ type: 'tool_use', id: 'call_w', name: 'get_weather', body: '{"city":"Paris"}', deltas: 2 }]);
    // What the SDK rebuilds from the stream, sent back with the tool's result.
    const toolUse = { type: 'tool_use' as const, id: 'call_w', name: 'get_weather', input: JSON.parse((first[0] as { body: string }).body) as unknown };
    const next = messagesToChat({
      model: 'm',
      max_tokens: 50,
      stream: true,
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        { role: 'assistant', content: [toolUse] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_w', content: '18C' }] },
      ],
    });
    expect(next.messages).toEqual([
      { role: 'user', content: 'weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_w', content: '18C' },
    ]);
    const answer = events(encode([chunk({ content: 'It is ' }), chunk({ content: '18C.' }), chunk({}, 'stop')]));
    expect(checkOrder(answer)).toEqual([{ type: 'text', body: 'It is 18C.', deltas: 2 }]);
    expect(answer.at(-2)).toMatchObject({ delta: { stop_reason: 'end_turn' } });
  });

  test('tool calls under a plain stop still end with tool_use', () => {
    const list = events(encode([chunk(toolDelta(0, '{}', { id: 'c0', name: 'f' })), chunk({}, 'stop')]));
    expect(list.at(-2)).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });

  test('property: any split and interleaving of any number of calls keeps each call exact, in order of first appearance', () => {
    const callArgs = fc.array(fc.json(), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(callArgs, fc.infiniteStream(fc.nat()), fc.string(), (args, randoms, text) => {
        // Cut each call's arguments into fragments, then deal the fragments out interleaved.
        const queues = args.map((a) => {
          const pieces: string[] = [];
          let rest = a;
          const r = randoms[Symbol.iterator]();
          while (rest.length > 0) {
            const n = 1 + ((r.next().value as number) % 5);
            pieces.push(rest.slice(0, n));
            rest = rest.slice(n);
          }
          return pieces;
        });
        const chunks: ChatCompletionChunk[] = [chunk({ role: 'assistant', content: text })];
        const heads = args.map(() => true);
        const r = randoms[Symbol.iterator]();
        while (queues.some((q) => q.length > 0) || heads.some(Boolean)) {
          const live = queues.map((q, i) => (q.length > 0 || heads[i] ? i : -1)).filter((i) => i >= 0);
          const i = live[(r.next().value as number) % live.length] as number;
          const piece = queues[i]?.shift() ?? '';
          chunks.push(chunk(toolDelta(i, piece, heads[i] ? { id: `call_${i}`, name: `tool_${i}` } : undefined)));
          heads[i] = false;
        }
        chunks.push(chunk({}, 'tool_calls'), usageChunk(usage));
        const blocks = checkOrder(events(encode(chunks)));
        const tools = blocks.filter((b) => b.type === 'tool_use');
        const firstSeen = [...new Set(chunks.flatMap((c) => c.choices[0]?.delta.tool_calls?.map((t) => t.index) ?? []))];
        expect(tools.map((b) => [b.id, b.body])).toEqual(firstSeen.map((i) => [`call_${i}`, args[i]]));
        expect(blocks.filter((b) => b.type === 'text').map((b) => b.body)).toEqual(text === '' ? [] : [text]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('MessagesStreamEncoder: endings and usage', () => {
  test.each([
    ['length', 'max_tokens'],
    ['content_filter', 'refusal'],
    ['stop', 'end_turn'],
  ] as const)('finish_reason %s → stop_reason %s', (finish, stop) => {
    const list = events(encode([chunk({ content: 'partial' }), chunk({}, finish)]));
    expect(list.at(-2)).toEqual({ type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: zeroUsage });
  });

  test('length in the middle of a tool call: the block closes with what came, stop_reason max_tokens', () => {
    const list = events(encode([chunk(toolDelta(0, '{"a": "trunc', { id: 'c', name: 'f' })), chunk({}, 'length')]));
    expect(checkOrder(list)).toEqual([{ type: 'tool_use', id: 'c', name: 'f', body: '{"a": "trunc', deltas: 1 }]);
    expect(list.at(-2)).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
  });

  test('usage with cached, cache-creation and reasoning tokens goes in message_delta', () => {
    const final = {
      prompt_tokens: 2000,
      completion_tokens: 300,
      total_tokens: 2300,
      prompt_tokens_details: { cached_tokens: 1500, cache_creation_tokens: 200 },
      completion_tokens_details: { reasoning_tokens: 120 },
    } as Usage;
    const list = events(encode([chunk({ content: 'x' }), chunk({}, 'stop'), usageChunk(final)]));
    expect(list.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 300, cache_read_input_tokens: 1500, cache_creation_input_tokens: 200, output_tokens: 300, output_tokens_details: { thinking_tokens: 120 } },
    });
  });

  test('usage known at the first chunk goes in message_start too', () => {
    const first = { ...chunk({ role: 'assistant' }), usage };
    const list = events(encode([first, chunk({}, 'stop')]));
    expect(list[0]).toMatchObject({ message: { usage: { input_tokens: 30, output_tokens: 7 } } });
  });

  test('a finishing choice without a delta is read for its finish_reason', () => {
    const last = { ...chunk({}), choices: [{ index: 0, finish_reason: 'length', logprobs: null }] } as unknown as ChatCompletionChunk;
    expect(events(encode([chunk({ content: 'x' }), last])).at(-2)).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
  });

  test('choices other than index 0 are ignored', () => {
    const other: ChatCompletionChunk = { ...chunk({ content: 'other' }), choices: [{ index: 1, delta: { content: 'other' }, finish_reason: null, logprobs: null }] };
    expect(checkOrder(events(encode([chunk({ content: 'mine' }), other, chunk({}, 'stop')])))).toEqual([{ type: 'text', body: 'mine', deltas: 1 }]);
  });
});

describe('MessagesStreamEncoder: failure mid-stream', () => {
  test('an upstream failure after text: one error event with api_error; nothing after it', () => {
    const encoder = new MessagesStreamEncoder({ model: 'm' });
    encoder.chunk(chunk({ content: 'Half an ans' }));
    expect(events(encoder.fail(upstreamInvalid('openai', 'stream ended before [DONE]')))).toEqual([
      { type: 'error', error: { type: 'api_error', message: "provider 'openai' sent an invalid response: stream ended before [DONE]" } },
    ]);
    expect(encoder.chunk(chunk({ content: 'more' }))).toBe('');
    expect(encoder.end()).toBe('');
    expect(encoder.fail(upstreamInvalid('openai', 'again'))).toBe('');
  });

  test('an overloaded upstream → overloaded_error', () => {
    const encoder = new MessagesStreamEncoder({ model: 'm' });
    encoder.chunk(chunk({ content: 'x' }));
    expect(events(encoder.fail(rateLimited('upstream busy')))).toEqual([{ type: 'error', error: { type: 'overloaded_error', message: 'upstream busy' } }]);
  });

  test('after end(), fail() and chunk() send nothing', () => {
    const encoder = new MessagesStreamEncoder({ model: 'm' });
    encoder.end();
    expect(encoder.fail(new GatewayError(500, 'server_error', 'late'))).toBe('');
    expect(encoder.chunk(chunk({ content: 'late' }))).toBe('');
  });
});
