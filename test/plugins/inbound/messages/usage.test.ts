import { describe, expect, test } from 'vitest';
import type { Usage } from 'switchyard';
import { anthropicUsage } from '../../../../plugins/inbound/messages/usage.ts';

describe('anthropicUsage', () => {
  test('no usage → zeros', () => {
    expect(anthropicUsage(undefined)).toEqual({ input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 });
    expect(anthropicUsage(null)).toEqual({ input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 });
  });

  test('plain usage: prompt is input, completion is output', () => {
    expect(anthropicUsage({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 })).toEqual({
      input_tokens: 12,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 3,
    });
  });

  test('cache reads and writes are taken out of input_tokens; reasoning → thinking_tokens', () => {
    const usage = {
      prompt_tokens: 500,
      completion_tokens: 40,
      total_tokens: 540,
      prompt_tokens_details: { cached_tokens: 256, cache_creation_tokens: 200 },
      completion_tokens_details: { reasoning_tokens: 0 },
    } as Usage;
    expect(anthropicUsage(usage)).toEqual({
      input_tokens: 44,
      cache_creation_input_tokens: 200,
      cache_read_input_tokens: 256,
      output_tokens: 40,
      output_tokens_details: { thinking_tokens: 0 },
    });
  });

  test('an upstream whose cached count exceeds its prompt count never gives negative input', () => {
    expect(anthropicUsage({ prompt_tokens: 10, completion_tokens: 1, total_tokens: 11, prompt_tokens_details: { cached_tokens: 64 } }).input_tokens).toBe(0);
  });
});
