import { describe, expect, test } from 'vitest';
import type { ChatCompletion, ChatCompletionChoice, Usage } from 'switchyard';
import { chatToMessage, toolInput } from '../../../../plugins/inbound/messages/response.ts';

type Message = ChatCompletionChoice['message'];

function completion(message: Partial<Message>, finish: ChatCompletionChoice['finish_reason'], usage?: Usage, id = 'chatcmpl-abc123'): ChatCompletion {
  return {
    id,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, logprobs: null, finish_reason: finish, message: { role: 'assistant', content: null, refusal: null, ...message } }],
    ...(usage === undefined ? {} : { usage }),
  };
}

const usage: Usage = { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 };

describe('chatToMessage', () => {
  test('a text answer: the whole Message, model as the client named it, id from the upstream id', () => {
    expect(chatToMessage(completion({ content: 'Hello!' }, 'stop', usage), 'claude-sonnet-4-5')).toEqual({
      id: 'msg_abc123',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'Hello!' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 100, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 20 },
    });
  });

  test('ids: a msg_ id is kept, an empty one is random msg_', () => {
    expect(chatToMessage(completion({ content: 'x' }, 'stop', usage, 'msg_keep'), 'm').id).toBe('msg_keep');
    const a = chatToMessage(completion({ content: 'x' }, 'stop', usage, ''), 'm').id;
    const b = chatToMessage(completion({ content: 'x' }, 'stop', usage, ''), 'm').id;
    expect(a).toMatch(/^msg_[0-9a-f]{24}$/);
    expect(a).not.toBe(b);
  });

  test('text then tool calls: tool_use blocks with the same ids and parsed inputs, stop_reason tool_use', () => {
    const msg = chatToMessage(
      completion(
        {
          content: 'Let me check.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","days":[1,2]}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        'tool_calls',
        usage,
      ),
      'm',
    );
    expect(msg.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris', days: [1, 2] } },
      { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} },
    ]);
    expect(msg.stop_reason).toBe('tool_use');
  });

  test('tool calls only: no empty text block', () => {
    const msg = chatToMessage(completion({ content: '', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }, 'tool_calls'), 'm');
    expect(msg.content).toEqual([{ type: 'tool_use', id: 'c', name: 'f', input: {} }]);
  });

  test('tool calls under a plain stop (some chat servers) still stop with tool_use', () => {
    const msg = chatToMessage(completion({ tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }, 'stop'), 'm');
    expect(msg.stop_reason).toBe('tool_use');
  });

  test('invalid JSON arguments are kept as the upstream text, not replaced by {}', () => {
    const msg = chatToMessage(completion({ tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a": 1,' } }] }, 'tool_calls'), 'm');
    expect(msg.content).toEqual([{ type: 'tool_use', id: 'c', name: 'f', input: '{"a": 1,' }]);
  });

  test('toolInput: empty and blank → {}, JSON → its value, anything else → the text', () => {
    expect(toolInput('')).toEqual({});
    expect(toolInput('  \n')).toEqual({});
    expect(toolInput('{"x":"ü","n":null}')).toEqual({ x: 'ü', n: null });
    expect(toolInput('[1]')).toEqual([1]);
    expect(toolInput('not json')).toBe('not json');
  });

  test.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['function_call', 'tool_use'],
    ['content_filter', 'refusal'],
  ] as const)('finish_reason %s → stop_reason %s', (finish, stop) => {
    const msg = chatToMessage(completion({ content: 'x' }, finish), 'm');
    expect([msg.stop_reason, msg.stop_sequence]).toEqual([stop, null]);
  });

  test('length with tool calls stays max_tokens (the answer was cut)', () => {
    const msg = chatToMessage(completion({ tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":' } }] }, 'length'), 'm');
    expect(msg.stop_reason).toBe('max_tokens');
  });

  test('a stop sequence the upstream names (vLLM stop_reason) → stop_sequence with it', () => {
    const result = completion({ content: 'one two' }, 'stop');
    (result.choices[0] as ChatCompletionChoice & { stop_reason?: string }).stop_reason = 'END';
    const msg = chatToMessage(result, 'm');
    expect([msg.stop_reason, msg.stop_sequence]).toEqual(['stop_sequence', 'END']);
  });

  test('an OpenAI refusal → its text, stop_reason refusal', () => {
    const msg = chatToMessage(completion({ content: null, refusal: "I can't help with that." }, 'stop'), 'm');
    expect(msg.content).toEqual([{ type: 'text', text: "I can't help with that." }]);
    expect(msg.stop_reason).toBe('refusal');
  });

  test('reasoning text is not returned; reasoning tokens are reported', () => {
    const msg = chatToMessage(
      completion({ content: 'Answer', reasoning_content: 'thinking…' } as Partial<Message>, 'stop', {
        ...usage,
        completion_tokens_details: { reasoning_tokens: 12 },
      }),
      'm',
    );
    expect(msg.content).toEqual([{ type: 'text', text: 'Answer' }]);
    expect(msg.usage.output_tokens_details).toEqual({ thinking_tokens: 12 });
  });

  test('usage in Anthropic meaning: cache reads and cache writes out of input_tokens', () => {
    const cached = {
      prompt_tokens: 1000,
      completion_tokens: 50,
      total_tokens: 1050,
      prompt_tokens_details: { cached_tokens: 600, cache_creation_tokens: 300 },
    } as Usage;
    expect(chatToMessage(completion({ content: 'x' }, 'stop', cached), 'm').usage).toEqual({
      input_tokens: 100,
      cache_read_input_tokens: 600,
      cache_creation_input_tokens: 300,
      output_tokens: 50,
    });
    const readOnly: Usage = { ...usage, prompt_tokens_details: { cached_tokens: 64 } };
    expect(chatToMessage(completion({ content: 'x' }, 'stop', readOnly), 'm').usage).toEqual({
      input_tokens: 36,
      cache_read_input_tokens: 64,
      cache_creation_input_tokens: 0,
      output_tokens: 20,
    });
  });

  test('no usage from the upstream reads as zeros; no choice gives an empty end_turn message', () => {
    const msg = chatToMessage({ ...completion({ content: 'x' }, 'stop'), choices: [] }, 'm');
    expect(msg.content).toEqual([]);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage).toEqual({ input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 });
  });
});
