import type { Message } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, test } from 'vitest';
import type { ChatRequest } from 'switchyard';
import { finishReasonOf, toChatCompletion, toUsage } from '../../../../plugins/providers/anthropic/response.ts';

const req = { model: 'claude', messages: [{ role: 'user', content: 'hi' }] } satisfies ChatRequest;

/** A Message as the API reference shows it; fields the SDK adds later default to null. */
function message(content: Message['content'], extra: Partial<Message> = {}): Message {
  return {
    id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
    type: 'message',
    role: 'assistant',
    model: 'claude-3-5-sonnet-20241022',
    content,
    stop_reason: 'end_turn',
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: { input_tokens: 2095, output_tokens: 503, cache_creation_input_tokens: null, cache_read_input_tokens: null, cache_creation: null, inference_geo: null, output_tokens_details: null, server_tool_use: null, service_tier: 'standard', speed: null },
    ...extra,
  } as Message;
}

describe('toChatCompletion', () => {
  test('text answer with id, model, usage and finish_reason', () => {
    const out = toChatCompletion(message([{ type: 'text', text: 'Hi! My name is Claude.', citations: null }]), req);
    expect(out).toMatchObject({
      id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
      object: 'chat.completion',
      model: 'claude-3-5-sonnet-20241022',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi! My name is Claude.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 2095, completion_tokens: 503, total_tokens: 2598, prompt_tokens_details: { cached_tokens: 0 } },
    });
    expect(out.created).toBeGreaterThan(1_700_000_000);
  });

  test('tool_use blocks → tool_calls with JSON arguments (none → "{}"), content null', () => {
    const out = toChatCompletion(
      message(
        [
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'San Francisco, CA' }, caller: { type: 'direct' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {}, caller: { type: 'direct' } },
        ] as Message['content'],
        { stop_reason: 'tool_use' },
      ),
      req,
    );
    expect(out.choices[0]?.finish_reason).toBe('tool_calls');
    expect(out.choices[0]?.message.content).toBeNull();
    expect(out.choices[0]?.message.tool_calls).toEqual([
      { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA"}' } },
      { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ]);
  });

  test('thinking blocks → reasoning_content; redacted thinking is left out', () => {
    const out = toChatCompletion(
      message([
        { type: 'thinking', thinking: 'step 1', signature: 'sig' },
        { type: 'redacted_thinking', data: 'opaque' },
        { type: 'text', text: 'answer', citations: null },
      ] as Message['content']),
      req,
    );
    expect(out.choices[0]?.message).toMatchObject({ content: 'answer', reasoning_content: 'step 1' });
  });

  test('the JSON-mode tool input is unwrapped into content, finish_reason stop, preamble dropped', () => {
    const json = { ...req, response_format: { type: 'json_object' } } satisfies ChatRequest;
    const out = toChatCompletion(
      message(
        [
          { type: 'text', text: 'Here you go:', citations: null },
          { type: 'tool_use', id: 't', name: 'json_response', input: { a: 1 }, caller: { type: 'direct' } },
        ] as Message['content'],
        { stop_reason: 'tool_use' },
      ),
      json,
    );
    expect(out.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: '{"a":1}' } });
    expect(out.choices[0]?.message.tool_calls).toBeUndefined();
    const wrapped = { ...req, response_format: { type: 'json_schema', json_schema: { name: 'tags', schema: { type: 'array' } } } } satisfies ChatRequest;
    const list = toChatCompletion(message([{ type: 'tool_use', id: 't', name: 'tags', input: { value: ['x'] }, caller: { type: 'direct' } }] as Message['content'], { stop_reason: 'tool_use' }), wrapped);
    expect(list.choices[0]?.message.content).toBe('["x"]');
  });

  test('empty content gives an empty string, not null', () => {
    expect(toChatCompletion(message([]), req).choices[0]?.message.content).toBe('');
  });
});

describe('finish reasons and usage', () => {
  test.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'stop'],
  ] as const)('%s → %s', (reason, expected) => {
    expect(finishReasonOf(reason, false)).toBe(expected);
  });

  test('prompt_tokens includes cache reads and writes; cached_tokens is the read part; thinking tokens as reasoning', () => {
    expect(toUsage({ input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens_details: { thinking_tokens: 3 } })).toEqual({
      prompt_tokens: 130,
      completion_tokens: 5,
      total_tokens: 135,
      prompt_tokens_details: { cached_tokens: 100, cache_creation_tokens: 20 },
      completion_tokens_details: { reasoning_tokens: 3 },
    });
  });

  test('a cache write alone: input_tokens excludes it, prompt_tokens includes it, no read', () => {
    expect(toUsage({ input_tokens: 4, output_tokens: 9, cache_read_input_tokens: 0, cache_creation_input_tokens: 2048 })).toEqual({
      prompt_tokens: 2052,
      completion_tokens: 9,
      total_tokens: 2061,
      prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 2048 },
    });
  });

  test('null cache counts (no caching asked) are zero, with no cache_creation_tokens', () => {
    expect(toUsage({ input_tokens: 7, output_tokens: 2, cache_read_input_tokens: null, cache_creation_input_tokens: null, output_tokens_details: null })).toEqual({
      prompt_tokens: 7,
      completion_tokens: 2,
      total_tokens: 9,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });
});
