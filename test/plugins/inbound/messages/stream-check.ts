/**
 * Test helpers for the Messages stream: split the encoder's SSE text into events, check the
 * event order Anthropic's SDK relies on, and rebuild each block as a client would.
 */
import { expect } from 'vitest';
import type { ChatCompletionChunk, ChatCompletionDelta, Usage } from 'switchyard';
import type { MessagesStreamEvent } from '../../../../plugins/inbound/messages/types.ts';

/** Parses SSE text; every frame must have an `event:` line naming the data's `type`. */
export function events(sse: string): MessagesStreamEvent[] {
  if (sse === '') return [];
  expect(sse.endsWith('\n\n')).toBe(true);
  return sse
    .slice(0, -2)
    .split('\n\n')
    .map((frame) => {
      const lines = frame.split('\n');
      expect(lines).toHaveLength(2);
      const [eventLine, dataLine] = lines as [string, string];
      expect(eventLine.startsWith('event: ')).toBe(true);
      expect(dataLine.startsWith('data: ')).toBe(true);
      const data = JSON.parse(dataLine.slice('data: '.length)) as MessagesStreamEvent;
      expect(eventLine.slice('event: '.length)).toBe(data.type);
      return data;
    });
}

export interface RebuiltBlock {
  type: 'text' | 'tool_use';
  id?: string;
  name?: string;
  /** Text, or the concatenated partial_json. */
  body: string;
  deltas: number;
}

/**
 * Checks the order (message_start, blocks with contiguous indices that never interleave,
 * message_delta, message_stop) and returns the blocks rebuilt from their deltas.
 */
export function checkOrder(list: MessagesStreamEvent[]): RebuiltBlock[] {
  expect(list[0]?.type).toBe('message_start');
  expect(list.at(-2)?.type).toBe('message_delta');
  expect(list.at(-1)?.type).toBe('message_stop');
  const blocks: RebuiltBlock[] = [];
  let open: number | undefined;
  for (const e of list.slice(1, -2)) {
    switch (e.type) {
      case 'content_block_start':
        expect(open).toBeUndefined();
        expect(e.index).toBe(blocks.length);
        open = e.index;
        blocks.push(
          e.content_block.type === 'text'
            ? { type: 'text', body: e.content_block.text, deltas: 0 }
            : { type: 'tool_use', id: e.content_block.id, name: e.content_block.name, body: '', deltas: 0 },
        );
        break;
      case 'content_block_delta': {
        expect(e.index).toBe(open);
        const block = blocks[e.index] as RebuiltBlock;
        block.deltas++;
        if (e.delta.type === 'text_delta') {
          expect(block.type).toBe('text');
          block.body += e.delta.text;
        } else {
          expect(block.type).toBe('tool_use');
          expect(e.delta.partial_json).not.toBe('');
          block.body += e.delta.partial_json;
        }
        break;
      }
      case 'content_block_stop':
        expect(e.index).toBe(open);
        open = undefined;
        break;
      default:
        throw new Error(`unexpected ${e.type} between message_start and message_delta`);
    }
  }
  expect(open).toBeUndefined();
  return blocks;
}

export function chunk(delta: ChatCompletionDelta, finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null): ChatCompletionChunk {
  return { id: 'chatcmpl-9xYz', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] };
}

/** The final include_usage chunk: no choices, the usage. */
export function usageChunk(usage: Usage): ChatCompletionChunk {
  return { id: 'chatcmpl-9xYz', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o', choices: [], usage };
}

/** A tool-call fragment as chat streams send them. */
export function toolDelta(index: number, args: string, head?: { id: string; name: string }): ChatCompletionDelta {
  return {
    tool_calls: [
      head === undefined ? { index, function: { arguments: args } } : { index, id: head.id, type: 'function', function: { name: head.name, arguments: args } },
    ],
  };
}
