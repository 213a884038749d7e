import { describe, expect, test } from 'vitest';
import type { ChatCompletionMessageParam } from 'switchyard';
import { toCohereMessages } from '../../../../plugins/providers/cohere/messages.ts';

describe('toCohereMessages', () => {
  test('system and developer messages stay in place, several of them, as system', () => {
    const out = toCohereMessages([
      { role: 'system', content: 'one' },
      { role: 'developer', content: [{ type: 'text', text: 'two' }, { type: 'text', text: '+' }] },
      { role: 'user', content: 'hi' },
      { role: 'system', content: 'three' },
    ]);
    expect(out).toEqual([
      { role: 'system', content: 'one' },
      { role: 'system', content: 'two+' },
      { role: 'user', content: 'hi' },
      { role: 'system', content: 'three' },
    ]);
  });

  test('empty content is kept as an empty string for Cohere to judge', () => {
    expect(toCohereMessages([{ role: 'user', content: '' }, { role: 'assistant', content: null }])).toEqual([
      { role: 'user', content: '' },
      { role: 'assistant', content: '' },
    ]);
  });

  test('user parts: text and image_url (data: and http URLs), detail kept only when given', () => {
    const out = toCohereMessages([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/', detail: 'high' } },
        ],
      },
    ]);
    expect(out[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'look' },
        { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
        { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/', detail: 'high' } },
      ],
    });
  });

  test('audio and file parts are a 400 naming the part', () => {
    const audio: ChatCompletionMessageParam = { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } }] };
    expect(() => toCohereMessages([{ role: 'user', content: 'x' }, audio])).toThrow(expect.objectContaining({ status: 400, extra: expect.objectContaining({ param: 'messages[1].content[0]' }) }));
    const system = { role: 'system', content: [{ type: 'image_url', image_url: { url: 'u' } }] } as unknown as ChatCompletionMessageParam;
    expect(() => toCohereMessages([system])).toThrow(expect.objectContaining({ status: 400 }));
  });

  test('assistant tool calls: text beside them is the tool plan; a call without arguments sends {}', () => {
    const out = toCohereMessages([
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: 'I will look it up.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'now', arguments: '' } },
          { id: 'c2', type: 'function', function: { name: 'get', arguments: '{"a":1}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: 'noon' }] },
      { role: 'tool', tool_call_id: 'c2', content: '' },
    ]);
    expect(out.slice(1)).toEqual([
      {
        role: 'assistant',
        tool_plan: 'I will look it up.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'now', arguments: '{}' } },
          { id: 'c2', type: 'function', function: { name: 'get', arguments: '{"a":1}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'noon' },
      { role: 'tool', tool_call_id: 'c2', content: '' },
    ]);
  });

  test('assistant refusal parts read as text; the deprecated function role is a 400', () => {
    expect(toCohereMessages([{ role: 'assistant', content: [{ type: 'refusal', refusal: 'no' }] }])).toEqual([{ role: 'assistant', content: 'no' }]);
    expect(() => toCohereMessages([{ role: 'function', name: 'f', content: 'x' }])).toThrow(
      expect.objectContaining({ status: 400, extra: expect.objectContaining({ param: 'messages[0].role' }) }),
    );
  });

  test('custom tool calls are a 400', () => {
    const custom = { role: 'assistant', tool_calls: [{ id: 'x', type: 'custom', custom: { name: 'c', input: 'i' } }] } as unknown as ChatCompletionMessageParam;
    expect(() => toCohereMessages([custom])).toThrow(expect.objectContaining({ status: 400 }));
  });
});
