import { describe, expect, test } from 'vitest';
import { anthropicUsage, MessagesStreamUsageReader, MessageUsageReader, openAIUsage } from '../../../../plugins/inbound/messages/index.ts';

const feed = (reader: { add(chunk: Buffer): unknown }, text: string, size: number): void => {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) reader.add(bytes.subarray(i, i + size));
};

describe('native Messages usage', () => {
  test("openAIUsage: Anthropic's counts in OpenAI's meaning, cache reads and writes added back; the inverse of anthropicUsage", () => {
    const usage = openAIUsage({ input_tokens: 10, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens: 5, output_tokens_details: { thinking_tokens: 3 } });
    expect(usage).toEqual({
      prompt_tokens: 130,
      completion_tokens: 5,
      total_tokens: 135,
      prompt_tokens_details: { cached_tokens: 100, cache_creation_tokens: 20 },
      completion_tokens_details: { reasoning_tokens: 3 },
    });
    expect(anthropicUsage(usage)).toEqual({ input_tokens: 10, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens: 5, output_tokens_details: { thinking_tokens: 3 } });
    expect(openAIUsage({ input_tokens: null, output_tokens: 2 })).toEqual({ prompt_tokens: 0, completion_tokens: 2, total_tokens: 2, prompt_tokens_details: { cached_tokens: 0 } });
  });

  test('a Message: the top-level usage, not a tool input that happens to hold one', () => {
    const message = {
      id: 'msg_1',
      type: 'message',
      content: [{ type: 'tool_use', id: 't', name: 'f', input: { usage: { input_tokens: 999 } } }],
      usage: { input_tokens: 8, output_tokens: 4, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    };
    const reader = new MessageUsageReader();
    feed(reader, JSON.stringify(message), 3);
    expect(reader.usage()).toMatchObject({ prompt_tokens: 8, completion_tokens: 4, total_tokens: 12 });
    expect(new MessageUsageReader().usage()).toBeUndefined();
  });

  test('a stream: message_start counts updated by the cumulative message_delta; other events ignored', () => {
    const events = [
      ['message_start', { type: 'message_start', message: { id: 'm', usage: { input_tokens: 20, cache_read_input_tokens: 5, output_tokens: 1 } } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: '"usage":{"input_tokens":1}' } }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 30, input_tokens: null } }],
      ['message_stop', { type: 'message_stop' }],
    ] as const;
    const sse = events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('');
    for (const size of [1, 13, 4096]) {
      const reader = new MessagesStreamUsageReader();
      feed(reader, sse, size);
      expect(reader.usage()).toEqual({ prompt_tokens: 25, completion_tokens: 30, total_tokens: 55, prompt_tokens_details: { cached_tokens: 5 } });
    }
    expect(new MessagesStreamUsageReader().usage()).toBeUndefined();
    expect(new MessagesStreamUsageReader().failure()).toBeUndefined();
  });

  test('a stream with an error event: its failure, mapped as the log stage records it', () => {
    const reader = new MessagesStreamUsageReader();
    feed(reader, `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })}\n\n`, 7);
    expect(reader.failure()).toMatchObject({ status: 503, message: 'Overloaded', extra: { code: 'upstream_overloaded' } });
    const other = new MessagesStreamUsageReader();
    feed(other, 'event: error\ndata: not json\n\n', 100);
    expect(other.failure()).toMatchObject({ status: 502, type: 'api_error' });
  });
});
