import { describe, expect, test } from 'vitest';
import { ChatStreamAssembler, CompletionStreamAssembler, type ChatCompletionChunk } from 'switchyard';

const chunk = (choices: ChatCompletionChunk['choices'], extra: Partial<ChatCompletionChunk> = {}): ChatCompletionChunk => ({
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 5,
  model: 'm',
  choices,
  ...extra,
});

describe('ChatStreamAssembler', () => {
  test('content, reasoning, tool-call argument deltas and usage assemble into one completion', () => {
    const a = new ChatStreamAssembler();
    a.add(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
    a.add(chunk([{ index: 0, delta: { reasoning_content: 'think' }, finish_reason: null }]));
    a.add(chunk([{ index: 0, delta: { content: 'Hel' }, finish_reason: null }]));
    a.add(chunk([{ index: 1, delta: { tool_calls: [{ index: 0, id: 't1', type: 'function', function: { name: 'f', arguments: '{"a"' } }] }, finish_reason: null }]));
    a.add(chunk([{ index: 1, delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }, finish_reason: null }]));
    a.add(chunk([{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }]));
    a.add(chunk([{ index: 1, delta: {}, finish_reason: 'tool_calls' }]));
    a.add(chunk([], { usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } }));
    const r = a.result();
    expect(r.object).toBe('chat.completion');
    expect(r.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'Hello', reasoning_content: 'think' });
    expect(r.choices[0]?.finish_reason).toBe('stop');
    expect(r.choices[1]?.message.tool_calls).toEqual([{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }]);
    expect(r.choices[1]?.finish_reason).toBe('tool_calls');
    expect(r.usage?.total_tokens).toBe(7);
    expect(a.usage?.total_tokens).toBe(7);
  });
});

describe('CompletionStreamAssembler', () => {
  test('texts per choice', () => {
    const a = new CompletionStreamAssembler();
    const base = { id: 'x', object: 'text_completion' as const, created: 1, model: 'm' };
    a.add({ ...base, choices: [{ index: 0, text: 'a', finish_reason: null as never, logprobs: null }] });
    a.add({ ...base, choices: [{ index: 1, text: 'b', finish_reason: 'length', logprobs: null }] });
    a.add({ ...base, choices: [{ index: 0, text: 'c', finish_reason: 'stop', logprobs: null }] });
    expect(a.result().choices.map((c) => [c.text, c.finish_reason])).toEqual([['ac', 'stop'], ['b', 'length']]);
  });
});
