import { describe, expect, test } from 'vitest';
import type { ChatCompletionMessageParam } from 'switchyard';
import { toConversation } from '../../../../plugins/providers/anthropic/messages.ts';

const png = 'data:image/png;base64,iVBORw0KGgo=';

describe('toConversation: system and roles', () => {
  test('one system message becomes the system string; user content stays a string', () => {
    expect(toConversation([{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }])).toEqual({
      system: 'be brief',
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  test('multiple system and developer messages, wherever they are, are joined in order', () => {
    const out = toConversation([
      { role: 'system', content: 'one' },
      { role: 'user', content: 'hi' },
      { role: 'developer', content: [{ type: 'text', text: 'two' }] },
      { role: 'assistant', content: 'hello' },
      { role: 'user', content: 'again' },
    ]);
    expect(out.system).toBe('one\n\ntwo');
    expect(out.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  });

  test('system parts with cache_control stay blocks, the marker passed through', () => {
    const system = [{ type: 'text', text: 'long context', cache_control: { type: 'ephemeral' } }] as unknown as { type: 'text'; text: string }[];
    const out = toConversation([{ role: 'system', content: system }, { role: 'system', content: 'rules' }, { role: 'user', content: 'hi' }]);
    expect(out.system).toEqual([
      { type: 'text', text: 'long context', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'rules' },
    ]);
  });

  test('consecutive messages of one role are merged (Anthropic needs alternating roles)', () => {
    const out = toConversation([
      { role: 'user', content: 'a' },
      { role: 'user', content: [{ type: 'text', text: 'b' }] },
      { role: 'assistant', content: 'c' },
      { role: 'assistant', content: 'd' },
      { role: 'user', content: 'e' },
    ]);
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'c' }, { type: 'text', text: 'd' }] },
      { role: 'user', content: 'e' },
    ]);
  });

  test('empty content is dropped, not sent as an empty text block', () => {
    const out = toConversation([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: '' },
      { role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'r' }] },
    ]);
    expect(out.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'q' }, { type: 'text', text: 'r' }] }]);
  });

  test('a conversation with nothing to send, or starting with the assistant, is a 400', () => {
    expect(() => toConversation([{ role: 'system', content: 's' }, { role: 'user', content: '' }])).toThrow(
      expect.objectContaining({ status: 400, extra: expect.objectContaining({ param: 'messages' }) }),
    );
    expect(() => toConversation([{ role: 'assistant', content: 'hi' }, { role: 'user', content: 'x' }])).toThrow(/first non-system message/);
  });

  test('the deprecated function role is refused with its param', () => {
    expect(() => toConversation([{ role: 'user', content: 'x' }, { role: 'function', name: 'f', content: '1' }])).toThrow(
      expect.objectContaining({ extra: expect.objectContaining({ param: 'messages[1].role' }) }),
    );
  });
});

describe('toConversation: content parts', () => {
  test('images: data URLs become base64 sources, http URLs url sources; cache_control kept', () => {
    const content = [
      { type: 'text', text: 'what are these?' },
      { type: 'image_url', image_url: { url: png, detail: 'high' } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' }, cache_control: { type: 'ephemeral', ttl: '1h' } },
    ] as ChatCompletionMessageParam['content'];
    const out = toConversation([{ role: 'user', content } as ChatCompletionMessageParam]);
    expect(out.messages[0]?.content).toEqual([
      { type: 'text', text: 'what are these?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' }, cache_control: { type: 'ephemeral', ttl: '1h' } },
    ]);
  });

  test('image/jpg is sent as image/jpeg; unsupported types and non-base64 data URLs are a 400', () => {
    const jpg = toConversation([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpg;base64,/9j/' } }] }]);
    expect(jpg.messages[0]?.content).toEqual([{ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/' } }]);
    expect(() => toConversation([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,Qk0=' } }] }])).toThrow(
      expect.objectContaining({ status: 400, extra: expect.objectContaining({ param: 'messages[0].content[0].image_url.url' }) }),
    );
    expect(() => toConversation([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png,rawbytes' } }] }])).toThrow(/base64/);
    expect(() => toConversation([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }])).toThrow(/http/);
  });

  test('a PDF file part becomes a document block; audio is refused', () => {
    const out = toConversation([{ role: 'user', content: [{ type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } }] }]);
    expect(out.messages[0]?.content).toEqual([
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'a.pdf' },
    ]);
    expect(() => toConversation([{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAA=', format: 'wav' } }] }])).toThrow(/audio/);
  });

  test('message-level cache_control marks the last block of the message', () => {
    const msg = { role: 'user', content: 'cache me', cache_control: { type: 'ephemeral' } } as ChatCompletionMessageParam;
    expect(toConversation([msg]).messages[0]?.content).toEqual([{ type: 'text', text: 'cache me', cache_control: { type: 'ephemeral' } }]);
    const bad = { role: 'user', content: 'x', cache_control: { type: 'forever' } } as unknown as ChatCompletionMessageParam;
    expect(() => toConversation([bad])).toThrow(expect.objectContaining({ extra: expect.objectContaining({ param: 'messages[0].cache_control' }) }));
  });
});

describe('toConversation: tool calls and results', () => {
  const history: ChatCompletionMessageParam[] = [
    { role: 'user', content: 'weather and time?' },
    {
      role: 'assistant',
      content: 'checking',
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
    { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '12:00' }] },
    { role: 'user', content: 'thanks' },
  ];

  test('tool_calls become tool_use blocks (no arguments → {}), results one user turn of tool_result blocks', () => {
    const out = toConversation(history);
    expect(out.messages).toEqual([
      { role: 'user', content: 'weather and time?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'checking' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '12:00' }] },
          { type: 'text', text: 'thanks' },
        ],
      },
    ]);
  });

  test('an assistant message with only tool calls and null content; an empty tool result has no content', () => {
    const out = toConversation([
      { role: 'user', content: 'x' },
      { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 't', content: '' },
    ]);
    expect(out.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] });
    expect(out.messages[2]).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't' }] });
  });

  test('arguments that are not a JSON object are a 400 naming the call', () => {
    for (const args of ['not json', '[1,2]', '"str"']) {
      expect(() =>
        toConversation([
          { role: 'user', content: 'x' },
          { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: args } }] },
        ]),
      ).toThrow(expect.objectContaining({ extra: expect.objectContaining({ param: 'messages[1].tool_calls[0].function.arguments' }) }));
    }
  });
});
