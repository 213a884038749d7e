import { describe, expect, test } from 'vitest';
import type { CanonicalRequest, FinalResult } from 'switchyard';
import { contentAttribute, inputMessages, outputMessages } from '../../../plugins/otel/content.ts';

describe('content in the GenAI message shape', () => {
  test('chat: text, image parts by type only, tool calls and tool answers', () => {
    const request = {
      model: 'm',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'weather?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      ],
    } as unknown as CanonicalRequest;
    expect(inputMessages('chat', request)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'weather?' }, { type: 'image_url' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: '"sunny"' }] },
    ]);
  });

  test('completions: the prompt as a user message, choices with their finish reason; embeddings: none', () => {
    expect(inputMessages('completions', { model: 'm', prompt: ['a', 'b'] } as unknown as CanonicalRequest)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'a' }, { type: 'text', content: 'b' }] },
    ]);
    const completion = { id: 'x', model: 'm', choices: [{ index: 0, text: 'done', finish_reason: 'length' }] } as unknown as FinalResult;
    expect(outputMessages('completions', completion)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'done' }], finish_reason: 'length' }]);
    expect(inputMessages('embeddings', { model: 'e', input: 'secret text' } as unknown as CanonicalRequest)).toBeUndefined();
    expect(outputMessages('embeddings', { object: 'list', data: [], model: 'e' } as unknown as FinalResult)).toBeUndefined();
  });

  test('an attribute longer than the limit is cut and says how long it was', () => {
    const messages = [{ role: 'user', parts: [{ type: 'text', content: 'y'.repeat(500) }] }];
    const whole = JSON.stringify(messages);
    expect(contentAttribute(messages, 1000)).toBe(whole);
    expect(contentAttribute(messages, 100)).toBe(`${whole.slice(0, 100)}…(cut, ${whole.length} chars)`);
  });
});
