import { describe, expect, test } from 'vitest';
import { addUsage, fanOutComplete, fanOutStream } from '../../../core/providers/fan-out.ts';
import type { ChatCompletion, ChatCompletionChunk, Usage } from '../../../core/openai/types.ts';
import { StreamEvent } from '../../../core/result.ts';

const usage = (prompt: number, completion: number, details: Partial<Usage> = {}): Usage => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
  ...details,
});

describe('addUsage sums parallel calls, breakdowns included', () => {
  test('cached, reasoning and other detail counts are summed key by key', () => {
    const a = usage(100, 20, {
      prompt_tokens_details: { cached_tokens: 80, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 12 },
    });
    const b = usage(100, 30, {
      prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 5 },
      completion_tokens_details: { reasoning_tokens: 7, accepted_prediction_tokens: 1 },
    });
    expect(addUsage(a, b)).toEqual({
      prompt_tokens: 200,
      completion_tokens: 50,
      total_tokens: 250,
      prompt_tokens_details: { cached_tokens: 140, audio_tokens: 0, cache_write_tokens: 5 },
      completion_tokens_details: { reasoning_tokens: 19, accepted_prediction_tokens: 1 },
    });
  });

  test('a breakdown only one call reported counts as 0 for the other; one neither reported stays absent', () => {
    const summed = addUsage(usage(10, 1, { prompt_tokens_details: { cached_tokens: 4 } }), usage(10, 2));
    expect(summed.prompt_tokens_details).toEqual({ cached_tokens: 4 });
    expect('completion_tokens_details' in summed).toBe(false);
    expect(addUsage(undefined, usage(1, 1))).toEqual(usage(1, 1));
  });

  test('fanOutComplete merges choices and sums detailed usage', () => {
    const answer = (text: string, cached: number, reasoning: number): ChatCompletion => ({
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: usage(50, 10, { prompt_tokens_details: { cached_tokens: cached }, completion_tokens_details: { reasoning_tokens: reasoning } }),
    });
    const merged = fanOutComplete([answer('a', 40, 3), answer('b', 0, 5)]);
    expect(merged.choices.map((c) => [c.index, c.message.content])).toEqual([[0, 'a'], [1, 'b']]);
    expect(merged.usage).toEqual(usage(100, 20, { prompt_tokens_details: { cached_tokens: 40 }, completion_tokens_details: { reasoning_tokens: 8 } }));
  });

  test('fanOutStream ends with one usage chunk carrying the summed breakdowns', async () => {
    const chunk = (choices: ChatCompletionChunk['choices'], u?: Usage): ChatCompletionChunk => ({
      id: 'x',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices,
      ...(u === undefined ? {} : { usage: u }),
    });
    async function* one(text: string, cached: number, reasoning: number): AsyncGenerator<StreamEvent> {
      yield StreamEvent.of(chunk([{ index: 0, delta: { content: text }, finish_reason: 'stop' }]));
      yield StreamEvent.of(chunk([], usage(30, 5, { prompt_tokens_details: { cached_tokens: cached }, completion_tokens_details: { reasoning_tokens: reasoning } })));
    }
    const out: ChatCompletionChunk[] = [];
    for await (const e of fanOutStream([one('a', 10, 1), one('b', 20, 2)])) out.push(e.chunk as ChatCompletionChunk);
    const usages = out.filter((c) => c.usage);
    expect(usages).toHaveLength(1);
    expect(usages[0]?.usage).toEqual(usage(60, 10, { prompt_tokens_details: { cached_tokens: 30 }, completion_tokens_details: { reasoning_tokens: 3 } }));
    expect(out.flatMap((c) => c.choices.map((x) => x.index)).sort()).toEqual([0, 1]);
  });
});
