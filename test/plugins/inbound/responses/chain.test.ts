import { describe, expect, test } from 'vitest';
import { chainHistory, chatToResponse, MemoryResponseStore, nativeRecord, responsesToChat, translatedRecord, type ConversationItem } from '../../../../plugins/inbound/responses/index.ts';
import { counterIds } from './helpers.ts';

describe('translatedRecord', () => {
  test('history = previous history, this input, this output (messages and function calls); instructions are not kept', () => {
    const previous: ConversationItem[] = [{ id: 'msg_0', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'earlier' }] }];
    const newId = counterIds();
    const translated = responsesToChat({ model: 'm', instructions: 'sys', input: 'now' }, previous, newId);
    const response = chatToResponse(
      {
        id: 'c',
        object: 'chat.completion',
        created: 1,
        model: 'm',
        choices: [{ index: 0, finish_reason: 'tool_calls', logprobs: null, message: { role: 'assistant', content: 'calling', refusal: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] } }],
      },
      translated.echo,
      { id: 'resp_1', newId },
    );
    const record = translatedRecord(response, translated.inputItems, previous, 'key_7');
    expect(record.owner).toBe('key_7');
    expect(record.inputItems).toEqual(translated.inputItems);
    expect(record.history?.map((i) => [i.type, i.id])).toEqual([
      ['message', 'msg_0'],
      ['message', 'msg_1'],
      ['message', 'msg_2'],
      ['function_call', 'fc_3'],
    ]);
    expect(record.pinned).toBeUndefined();
  });
});

describe('nativeRecord and chainHistory', () => {
  test('a pinned native response has no history; chainHistory hands back the pin', async () => {
    const store = new MemoryResponseStore();
    const { echo } = responsesToChat({ model: 'gpt-4o', input: 'x' }, [], counterIds());
    const response = chatToResponse({ id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [] }, echo, { id: 'resp_native' });
    const pinned = { deployment: 'openai/gpt-4o', provider: 'openai', model: 'gpt-4o' };
    await store.put(nativeRecord(response, pinned), 60);
    const previous = await chainHistory(store, 'resp_native');
    expect(previous.history).toEqual([]);
    expect(previous.record.pinned).toEqual(pinned);
    expect(previous.record).not.toHaveProperty('owner');
  });
});
