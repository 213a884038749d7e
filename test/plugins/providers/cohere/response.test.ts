import { describe, expect, test } from 'vitest';
import type { Deployment } from 'switchyard';
import { finishReason, fromCohereResponse, usageOf } from '../../../../plugins/providers/cohere/response.ts';
import type { CohereChatResponse } from '../../../../plugins/providers/cohere/wire.ts';

const target: Deployment = { id: 'd', group: 'g', provider: 'cohere', model: 'command-a-03-2025' };

describe('fromCohereResponse', () => {
  test('a documented text answer', () => {
    const res: CohereChatResponse = {
      id: 'c14c80c3-18eb-4519-9460-6c92edd8cfb4',
      finish_reason: 'COMPLETE',
      message: { role: 'assistant', content: [{ type: 'text', text: 'LLMs are ' }, { type: 'text', text: 'models.' }] },
      usage: { billed_units: { input_tokens: 5, output_tokens: 418 }, tokens: { input_tokens: 71, output_tokens: 418 } },
    };
    const out = fromCohereResponse(res, target);
    expect(out).toMatchObject({
      id: 'c14c80c3-18eb-4519-9460-6c92edd8cfb4',
      object: 'chat.completion',
      model: 'command-a-03-2025',
      choices: [{ index: 0, message: { role: 'assistant', content: 'LLMs are models.', refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 5, completion_tokens: 418, total_tokens: 423 },
    });
    expect(out.created).toBeGreaterThan(1_700_000_000);
    expect(out.choices[0]?.message).not.toHaveProperty('tool_calls');
  });

  test('tool calls: content null, the plan as reasoning_content, missing arguments as {}', () => {
    const res: CohereChatResponse = {
      id: 'x',
      finish_reason: 'TOOL_CALL',
      message: {
        role: 'assistant',
        tool_plan: 'I will check the weather.',
        tool_calls: [
          { id: 'get_weather_1byjy32y4hvq', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Toronto"}' } },
          { id: 'now_1', type: 'function', function: { name: 'now' } },
        ],
      },
    };
    const out = fromCohereResponse(res, target);
    expect(out.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: null,
        reasoning_content: 'I will check the weather.',
        tool_calls: [
          { id: 'get_weather_1byjy32y4hvq', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Toronto"}' } },
          { id: 'now_1', type: 'function', function: { name: 'now', arguments: '{}' } },
        ],
      },
    });
    expect(out).not.toHaveProperty('usage');
  });

  test('thinking content is reasoning_content; an empty answer is an empty string', () => {
    const out = fromCohereResponse(
      { id: 'y', finish_reason: 'COMPLETE', message: { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm' }] } },
      target,
    );
    expect(out.choices[0]?.message).toMatchObject({ content: '', reasoning_content: 'hmm' });
  });
});

describe('finishReason', () => {
  test.each([
    ['COMPLETE', 'stop'],
    ['STOP_SEQUENCE', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['TOOL_CALL', 'tool_calls'],
    ['ERROR_TOXIC', 'content_filter'],
  ])('%s → %s', (cohere, openai) => expect(finishReason(cohere)).toBe(openai));

  test('ERROR and TIMEOUT fail the call with a 502', () => {
    expect(() => finishReason('ERROR')).toThrow(expect.objectContaining({ status: 502 }));
    expect(() => finishReason('TIMEOUT')).toThrow(expect.objectContaining({ status: 502 }));
  });
});

describe('usageOf', () => {
  test('billed units first, counted tokens as fallback, cached tokens reported', () => {
    expect(usageOf({ tokens: { input_tokens: 70, output_tokens: 3 }, cached_tokens: 64 })).toEqual({
      prompt_tokens: 70,
      completion_tokens: 3,
      total_tokens: 73,
      prompt_tokens_details: { cached_tokens: 64 },
    });
    expect(usageOf(undefined)).toBeUndefined();
  });

  test('billed and counted mixed per field; cached tokens capped at the billed prompt they are part of', () => {
    expect(usageOf({ billed_units: { input_tokens: 5 }, tokens: { input_tokens: 71, output_tokens: 418 }, cached_tokens: 64 })).toEqual({
      prompt_tokens: 5,
      completion_tokens: 418,
      total_tokens: 423,
      prompt_tokens_details: { cached_tokens: 5 },
    });
  });
});
