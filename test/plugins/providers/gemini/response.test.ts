import { describe, expect, test } from 'vitest';
import type { ChatRequest, Deployment } from 'switchyard';
import { toChatCompletion, toFinishReason, toUsage } from '../../../../plugins/providers/gemini/response.ts';
import type { GenerateContentBody } from '../../../../plugins/providers/gemini/types.ts';

const target: Deployment = { id: 'g', group: 'g', provider: 'gemini', model: 'gemini-2.0-flash' };
const req = { model: 'gemini-2.0-flash', messages: [] } as unknown as ChatRequest;

describe('generateContent answer → chat completion', () => {
  test('text, thoughts as reasoning_content, usage with reasoning and cached tokens', () => {
    const res: GenerateContentBody = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'plan', thought: true }, { text: 'Hello' }, { text: ' world' }] }, finishReason: 'STOP' as never }],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, thoughtsTokenCount: 3, cachedContentTokenCount: 4, totalTokenCount: 18 },
      modelVersion: 'gemini-2.0-flash-001',
      responseId: 'abc',
      createTime: '2025-01-02T03:04:05Z',
    };
    const out = toChatCompletion(res, target, req);
    expect(out).toEqual({
      id: 'chatcmpl-abc',
      object: 'chat.completion',
      created: Date.parse('2025-01-02T03:04:05Z') / 1000,
      model: 'gemini-2.0-flash-001',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello world', refusal: null, reasoning_content: 'plan' }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 8, total_tokens: 18, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 3 } },
    });
  });

  test('function calls become tool_calls with made-up ids and finish_reason tool_calls; no args is {}', () => {
    const res: GenerateContentBody = {
      candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'a', args: { x: 1 } } }, { functionCall: { name: 'b' } }] }, finishReason: 'STOP' as never }],
    };
    const choice = toChatCompletion(res, target, req).choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const calls = choice?.message.tool_calls ?? [];
    expect(calls.map((c) => c.type === 'function' && [c.function.name, c.function.arguments])).toEqual([['a', '{"x":1}'], ['b', '{}']]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    expect(calls[0]?.id).toMatch(/^call_/);
  });

  test('several candidates keep their index; a blocked prompt yields n content_filter choices', () => {
    const two = toChatCompletion({ candidates: [{ content: { parts: [{ text: 'a' }] } }, { index: 1, content: { parts: [{ text: 'b' }] } }] }, target, req);
    expect(two.choices.map((c) => [c.index, c.message.content])).toEqual([[0, 'a'], [1, 'b']]);
    const blocked = toChatCompletion({ promptFeedback: { blockReason: 'SAFETY' as never } }, target, { ...req, n: 2 });
    expect(blocked.choices.map((c) => [c.index, c.finish_reason, c.message.content])).toEqual([[0, 'content_filter', null], [1, 'content_filter', null]]);
    expect(blocked.model).toBe('gemini-2.0-flash');
  });

  test.each([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    [undefined, true, 'tool_calls'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['OTHER', false, 'stop'],
    ['MALFORMED_FUNCTION_CALL', false, 'stop'],
  ] as const)('finishReason %s (tool called: %s) → %s', (reason, called, expected) => {
    expect(toFinishReason(reason, called)).toBe(expected);
  });

  test('usage without details has none; total is prompt + completion', () => {
    expect(toUsage({ promptTokenCount: 2, candidatesTokenCount: 3 })).toEqual({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
  });

  test('thoughts are added to the completion (not inside candidates); cached tokens are inside the prompt, not added', () => {
    // A gemini-2.5-flash answer: 1200 prompt tokens of which 1024 came from a context cache,
    // 310 thinking tokens and 42 answer tokens.
    expect(toUsage({ promptTokenCount: 1200, cachedContentTokenCount: 1024, thoughtsTokenCount: 310, candidatesTokenCount: 42, totalTokenCount: 1552 })).toEqual({
      prompt_tokens: 1200,
      completion_tokens: 352,
      total_tokens: 1552,
      prompt_tokens_details: { cached_tokens: 1024 },
      completion_tokens_details: { reasoning_tokens: 310 },
    });
  });

  test("Gemini's own tool-use prompt tokens count in the prompt, and in the total", () => {
    expect(toUsage({ promptTokenCount: 10, toolUsePromptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 17 })).toEqual({
      prompt_tokens: 15,
      completion_tokens: 2,
      total_tokens: 17,
    });
  });
});
