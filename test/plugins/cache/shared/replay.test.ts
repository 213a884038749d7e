import { describe, expect, test } from 'vitest';
import { ChatStreamAssembler, CompletionStreamAssembler, type ChatCompletion, type Completion } from 'switchyard';
import { chatChunks, completionChunks, replay } from '../../../../plugins/cache/shared/replay.ts';

const usage = { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 };

const stored: ChatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o',
  system_fingerprint: 'fp_1',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Hello there', refusal: null, reasoning_content: 'thinking…' }, finish_reason: 'stop', logprobs: null },
    {
      index: 1,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
        ],
      },
      finish_reason: 'tool_calls',
      logprobs: null,
    },
    { index: 2, message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' }, finish_reason: 'stop', logprobs: null },
  ],
  usage,
};

describe('chatChunks', () => {
  test('reassembles to the stored answer (content, reasoning, refusal, tool calls, n > 1, usage)', () => {
    const assembler = new ChatStreamAssembler();
    for (const chunk of chatChunks(stored, true)) assembler.add(chunk);
    expect(assembler.result()).toEqual(stored);
  });

  test('role chunk first, finish chunk last per choice; usage chunk only when asked, with no choices', () => {
    const withUsage = chatChunks(stored, true);
    expect(withUsage[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '', refusal: null });
    const last = withUsage[withUsage.length - 1];
    expect(last).toMatchObject({ object: 'chat.completion.chunk', choices: [], usage });
    expect(withUsage.slice(0, -1).every((c) => c.usage === null && c.choices.length === 1)).toBe(true);
    const plain = chatChunks(stored, false);
    expect(plain.some((c) => 'usage' in c)).toBe(false);
    expect(plain.filter((c) => c.choices[0]?.finish_reason != null).map((c) => c.choices[0]?.finish_reason)).toEqual(['stop', 'tool_calls', 'stop']);
  });

  test('an entry without usage gives no usage chunk even when asked', () => {
    const { usage: _, ...noUsage } = stored;
    expect(chatChunks(noUsage, true).every((c) => c.choices.length === 1)).toBe(true);
  });
});

test('completionChunks reassemble to the stored completion', async () => {
  const completion: Completion = {
    id: 'cmpl-1',
    object: 'text_completion',
    created: 1,
    model: 'gpt-3.5-turbo-instruct',
    choices: [
      { index: 0, text: 'one', finish_reason: 'stop', logprobs: null },
      { index: 1, text: 'two', finish_reason: 'length', logprobs: null },
    ],
    usage,
  };
  const assembler = new CompletionStreamAssembler();
  for await (const event of replay(completionChunks(completion, true))) assembler.add(event.chunk as Completion);
  expect(assembler.result()).toEqual(completion);
});
