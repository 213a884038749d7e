import { describe, expect, test } from 'vitest';
import {
  encodeEmbeddings,
  floatsToBase64,
  singleChoiceChunk,
  singleChoiceCompletion,
  toolArgumentsObject,
  usageChunk,
} from '../../../core/providers/translation-helpers.ts';

describe('encodeEmbeddings', () => {
  const response = {
    object: 'list' as const,
    model: 'm',
    data: [{ object: 'embedding' as const, index: 0, embedding: [0.5, -0.25, 3] }],
    usage: { prompt_tokens: 1, total_tokens: 1 },
  };

  test('base64 is little-endian float32, as OpenAI sends and its SDK decodes', () => {
    const out = encodeEmbeddings(response, 'base64');
    const encoded = out.data[0]?.embedding as unknown as string;
    expect(encoded).toBe(floatsToBase64([0.5, -0.25, 3]));
    const bytes = Buffer.from(encoded, 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4))).toEqual([0.5, -0.25, 3]);
  });

  test('floats stay floats unless base64 was asked for', () => {
    expect(encodeEmbeddings(response, 'float')).toBe(response);
    expect(encodeEmbeddings(response, undefined)).toBe(response);
  });
});

describe('toolArgumentsObject', () => {
  test('empty string is no arguments; objects parse; anything else is a 400 naming the param', () => {
    expect(toolArgumentsObject('', 'p')).toEqual({});
    expect(toolArgumentsObject(' {"a":1} ', 'p')).toEqual({ a: 1 });
    for (const bad of ['[1]', '"x"', 'null', '{oops']) {
      expect(() => toolArgumentsObject(bad, 'messages[1].tool_calls[0].function.arguments')).toThrow(
        expect.objectContaining({ status: 400, extra: expect.objectContaining({ param: 'messages[1].tool_calls[0].function.arguments' }) }),
      );
    }
  });
});

describe('single-choice completions and chunks', () => {
  const call = { id: 'c1', type: 'function' as const, function: { name: 'f', arguments: '{}' } };
  const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 };

  test('tool calls, reasoning and usage appear only when present', () => {
    const full = singleChoiceCompletion('id1', 'm', { content: null, reasoning: 'r', toolCalls: [call] }, 'tool_calls', usage);
    expect(full).toMatchObject({ id: 'id1', object: 'chat.completion', model: 'm', usage });
    expect(full.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: null, tool_calls: [call], reasoning_content: 'r' },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ]);
    const bare = singleChoiceCompletion('id2', 'm', { content: 'hi', toolCalls: [] }, 'stop', undefined);
    expect(bare.choices[0]?.message).toEqual({ role: 'assistant', content: 'hi', refusal: null });
    expect('usage' in bare).toBe(false);
  });

  test('chunks repeat the stream ids; the usage chunk has no choices', () => {
    const ids = { id: 'x', created: 5, model: 'm' };
    expect(singleChoiceChunk(ids, { content: 'a' })).toEqual({
      id: 'x',
      object: 'chat.completion.chunk',
      created: 5,
      model: 'm',
      choices: [{ index: 0, delta: { content: 'a' }, logprobs: null, finish_reason: null }],
    });
    expect(singleChoiceChunk(ids, {}, 'length').choices[0]?.finish_reason).toBe('length');
    expect(usageChunk(ids, usage)).toEqual({ id: 'x', object: 'chat.completion.chunk', created: 5, model: 'm', choices: [], usage });
  });
});
