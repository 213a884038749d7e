/** Builders and checks shared by the Responses translation tests. */
import { expect } from 'vitest';
import type { ChatCompletionChunk, ChatCompletionChunkChoice, Usage } from 'switchyard';
import type { IdKind, NewId, OutputItem, ResponseObject } from '../../../../plugins/inbound/responses/index.ts';

/** Ids `msg_1`, `fc_2`… in order of creation, so goldens are stable. */
export function counterIds(): NewId {
  let n = 0;
  return (kind: IdKind) => `${kind}_${++n}`;
}

type Delta = ChatCompletionChunkChoice['delta'];
type ToolDelta = NonNullable<Delta['tool_calls']>[number];

export function chunk(delta: Delta, finish: ChatCompletionChunkChoice['finish_reason'] = null): ChatCompletionChunk {
  return { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] };
}

export function toolDelta(index: number, fields: { id?: string; name?: string; args?: string }): ToolDelta {
  const fn: NonNullable<ToolDelta['function']> = {};
  if (fields.name !== undefined) fn.name = fields.name;
  if (fields.args !== undefined) fn.arguments = fields.args;
  return { index, ...(fields.id === undefined ? {} : { id: fields.id, type: 'function' as const }), function: fn };
}

export function usageChunk(usage: Usage): ChatCompletionChunk {
  return { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage };
}

export interface SseEvent {
  readonly event: string;
  readonly data: Record<string, unknown> & { type: string; sequence_number: number };
}

/** Parses SSE text as the encoder writes it: `event:` and `data:` lines, frames split by a blank line. */
export function parseFrames(text: string): SseEvent[] {
  expect(text.endsWith('\n\n') || text === '').toBe(true);
  return text
    .split('\n\n')
    .filter((f) => f !== '')
    .map((f) => {
      const lines = f.split('\n');
      expect(lines).toHaveLength(2);
      const [eventLine, dataLine] = lines as [string, string];
      expect(eventLine.startsWith('event: ')).toBe(true);
      expect(dataLine.startsWith('data: ')).toBe(true);
      return { event: eventLine.slice('event: '.length), data: JSON.parse(dataLine.slice('data: '.length)) as SseEvent['data'] };
    });
}

export interface StreamSummary {
  readonly types: string[];
  /** Items as `output_item.done` sent them, in output order. */
  readonly items: OutputItem[];
  /** Per item, its deltas concatenated (text or arguments). */
  readonly deltas: string[];
  readonly final: ResponseObject;
  readonly error?: Record<string, unknown>;
}

/**
 * Checks a whole stream against the contract's grammar and returns what it carried:
 * sequence numbers 0, 1, 2…; `event:` equal to the data's type; created, in_progress; items one
 * at a time with correct output and content indices, each item's done events agreeing with its
 * deltas; then completed/incomplete, or error + failed. The final response's output must equal
 * the items sent (for a failure: the items sent, plus the open one if any).
 */
export function checkStream(text: string): StreamSummary {
  const events = parseFrames(text);
  events.forEach((e, i) => {
    expect(e.event).toBe(e.data.type);
    expect(e.data.sequence_number).toBe(i);
  });
  const types = events.map((e) => e.event);
  expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
  const items: OutputItem[] = [];
  const deltas: string[] = [];
  let i = 2;
  const at = (k: number) => events[k]?.data as Record<string, any>;
  while (at(i)?.type === 'response.output_item.added') {
    const index = items.length;
    const added = at(i);
    expect(added.output_index).toBe(index);
    expect(added.item.status).toBe('in_progress');
    const itemId = added.item.id as string;
    let joined = '';
    i++;
    if (added.item.type === 'message') {
      expect(added.item.content).toEqual([]);
      expect(at(i)).toMatchObject({ type: 'response.content_part.added', item_id: itemId, output_index: index, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
      i++;
      while (at(i)?.type === 'response.output_text.delta') {
        expect(at(i)).toMatchObject({ item_id: itemId, output_index: index, content_index: 0 });
        joined += at(i).delta;
        i++;
      }
      if (at(i)?.type !== 'response.output_text.done') break; // an open item cut by a failure
      expect(at(i)).toMatchObject({ item_id: itemId, output_index: index, content_index: 0, text: joined });
      expect(at(i + 1)).toMatchObject({ type: 'response.content_part.done', item_id: itemId, output_index: index, content_index: 0, part: { type: 'output_text', text: joined, annotations: [] } });
      i += 2;
      expect(at(i)).toMatchObject({ type: 'response.output_item.done', output_index: index, item: { id: itemId, type: 'message', role: 'assistant', content: [{ type: 'output_text', text: joined, annotations: [] }] } });
    } else {
      expect(added.item).toMatchObject({ type: 'function_call', arguments: '' });
      while (at(i)?.type === 'response.function_call_arguments.delta') {
        expect(at(i)).toMatchObject({ item_id: itemId, output_index: index });
        joined += at(i).delta;
        i++;
      }
      if (at(i)?.type !== 'response.function_call_arguments.done') break;
      expect(at(i)).toMatchObject({ item_id: itemId, output_index: index, name: added.item.name, arguments: joined });
      i++;
      expect(at(i)).toMatchObject({ type: 'response.output_item.done', output_index: index, item: { ...added.item, arguments: joined, status: expect.any(String) } });
    }
    expect(at(i).item.status).not.toBe('in_progress');
    items.push(at(i).item as OutputItem);
    deltas.push(joined);
    i++;
  }
  const rest = types.slice(i);
  if (rest[0] === 'error') {
    expect(rest).toEqual(['error', 'response.failed']);
    const final = at(i + 1).response as ResponseObject;
    expect(final.status).toBe('failed');
    expect(final.output.slice(0, items.length)).toEqual(items);
    return { types, items, deltas, final, error: at(i) };
  }
  expect(rest).toHaveLength(1);
  expect(['response.completed', 'response.incomplete']).toContain(rest[0]);
  const final = at(i).response as ResponseObject;
  expect(final.status).toBe(rest[0] === 'response.completed' ? 'completed' : 'incomplete');
  expect(final.output).toEqual(items);
  return { types, items, deltas, final };
}
