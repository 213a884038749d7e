import { describe, expect, test } from 'vitest';
import { encodeEmbeddings, floatsToBase64, toolArgumentsObject } from '../../../core/providers/translation-helpers.ts';

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
