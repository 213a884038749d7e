import { describe, expect, test } from 'vitest';
import type { ChatCompletion, ChatCompletionChoice, Usage } from 'switchyard';
import { chatToResponse, responsesToChat, responseUsage } from '../../../../plugins/inbound/responses/index.ts';
import { counterIds } from './helpers.ts';

const { echo } = responsesToChat({ model: 'gpt-like', input: 'x', tools: [{ type: 'function', name: 'weather' }], temperature: 0.5, metadata: { a: 'b' } }, [], counterIds());

function completion(message: Partial<ChatCompletionChoice['message']>, finish: ChatCompletionChoice['finish_reason'], usage?: Usage): ChatCompletion {
  return {
    id: 'chatcmpl-9',
    object: 'chat.completion',
    created: 1700000000,
    model: 'upstream-model-2025',
    choices: [{ index: 0, finish_reason: finish, logprobs: null, message: { role: 'assistant', content: null, refusal: null, ...message } }],
    ...(usage === undefined ? {} : { usage }),
  };
}

const usage: Usage = {
  prompt_tokens: 1200,
  completion_tokens: 90,
  total_tokens: 1290,
  prompt_tokens_details: { cached_tokens: 1000 },
  completion_tokens_details: { reasoning_tokens: 40 },
};

describe('chatToResponse', () => {
  test('text → one message item; the request settings are echoed; usage with cached and reasoning tokens', () => {
    const response = chatToResponse(completion({ content: 'Hello!' }, 'stop', usage), echo, { id: 'resp_1', createdAt: 1700000001, newId: counterIds() });
    expect(response).toEqual({
      id: 'resp_1',
      object: 'response',
      created_at: 1700000001,
      status: 'completed',
      background: false,
      error: null,
      incomplete_details: null,
      instructions: null,
      max_output_tokens: null,
      model: 'gpt-like',
      output: [{ id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello!', annotations: [] }] }],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      store: true,
      temperature: 0.5,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [{ type: 'function', name: 'weather', description: null, parameters: null, strict: null }],
      top_p: null,
      truncation: 'disabled',
      metadata: { a: 'b' },
      completed_at: expect.any(Number),
      usage: {
        input_tokens: 1200,
        input_tokens_details: { cached_tokens: 1000, cache_write_tokens: 0 },
        output_tokens: 90,
        output_tokens_details: { reasoning_tokens: 40 },
        total_tokens: 1290,
      },
    });
    expect(response).not.toHaveProperty('output_text');
  });

  test('text and tool calls → a message item, then one function_call item per call in order; empty arguments → {}', () => {
    const response = chatToResponse(
      completion(
        {
          content: 'Let me check.',
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_b', type: 'function', function: { name: 'now', arguments: '' } },
          ],
        },
        'tool_calls',
      ),
      echo,
      { newId: counterIds() },
    );
    expect(response.id).toBe('resp_1');
    expect(response.status).toBe('completed');
    expect(response.output).toEqual([
      { id: 'msg_2', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Let me check.', annotations: [] }] },
      { id: 'fc_3', type: 'function_call', status: 'completed', call_id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}' },
      { id: 'fc_4', type: 'function_call', status: 'completed', call_id: 'call_b', name: 'now', arguments: '{}' },
    ]);
    expect(response).not.toHaveProperty('usage');
  });

  test('tool calls only: no message item', () => {
    const response = chatToResponse(completion({ content: '', tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{}' } }] }, 'tool_calls'), echo, { newId: counterIds() });
    expect(response.output.map((i) => i.type)).toEqual(['function_call']);
  });

  test('length → incomplete, reason max_output_tokens, the last item incomplete', () => {
    const response = chatToResponse(completion({ content: 'The answer is', tool_calls: [{ id: 'c', type: 'function', function: { name: 'weather', arguments: '{"ci' } }] }, 'length'), echo, { newId: counterIds() });
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.output.map((i) => ('status' in i ? i.status : undefined))).toEqual(['completed', 'incomplete']);
    expect(response.completed_at).toBeNull();
  });

  test('content_filter → incomplete, reason content_filter', () => {
    const response = chatToResponse(completion({ content: 'partial' }, 'content_filter'), echo, { newId: counterIds() });
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'content_filter' });
    expect(response.output).toEqual([{ id: 'msg_2', type: 'message', role: 'assistant', status: 'incomplete', content: [{ type: 'output_text', text: 'partial', annotations: [] }] }]);
  });

  test('a refusal is sent as text; reasoning text is dropped', () => {
    const response = chatToResponse(completion({ content: null, refusal: 'I cannot help with that.', reasoning_content: 'thinking…' }, 'stop'), echo, { newId: counterIds() });
    expect(response.output).toEqual([{ id: 'msg_2', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'I cannot help with that.', annotations: [] }] }]);
  });

  test('ids are fresh resp_/msg_ ids when none are given', () => {
    const response = chatToResponse(completion({ content: 'x' }, 'stop'), echo);
    expect(response.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(response.output[0]?.id).toMatch(/^msg_[0-9a-f]{48}$/);
  });
});

describe('responseUsage', () => {
  test('absent details count 0; a missing total is the sum', () => {
    expect(responseUsage({ prompt_tokens: 10, completion_tokens: 5 } as Usage)).toEqual({
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 15,
    });
    expect(responseUsage(undefined)).toBeUndefined();
    expect(responseUsage(null)).toBeUndefined();
  });

  test('cache writes are carried', () => {
    expect(responseUsage({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cache_write_tokens: 7 } })?.input_tokens_details).toEqual({ cached_tokens: 0, cache_write_tokens: 7 });
  });
});
