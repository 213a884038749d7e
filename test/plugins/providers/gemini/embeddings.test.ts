import { describe, expect, test } from 'vitest';
import type { Deployment, EmbeddingRequest } from 'switchyard';
import { embeddings, isBatchBody } from '../../../../plugins/providers/gemini/embeddings.ts';

const target: Deployment = { id: 'g', group: 'g', provider: 'gemini', model: 'text-embedding-004' };
const req = (extra: Partial<EmbeddingRequest>): EmbeddingRequest => ({ model: 'text-embedding-004', input: 'x', ...extra });

describe('embeddings', () => {
  test('one string → embedContent body; a list → batch entries naming the model; dimensions → outputDimensionality', () => {
    const one = embeddings.toRequest(req({ input: 'hi', dimensions: 4 }), target);
    expect(one).toEqual({ content: { parts: [{ text: 'hi' }] }, outputDimensionality: 4 });
    expect(isBatchBody(JSON.stringify(one))).toBe(false);
    const many = embeddings.toRequest(req({ input: ['a', 'b'] }), target);
    expect(many).toEqual({ requests: [{ model: 'models/text-embedding-004', content: { parts: [{ text: 'a' }] } }, { model: 'models/text-embedding-004', content: { parts: [{ text: 'b' }] } }] });
    expect(isBatchBody(JSON.stringify(many))).toBe(true);
  });

  test('token arrays are a 400', () => {
    expect(() => embeddings.toRequest(req({ input: [[1, 2]] }), target)).toThrow(expect.objectContaining({ status: 400, extra: expect.objectContaining({ param: 'input' }) }));
  });

  test('answers → OpenAI list of floats (base64 is encoded by the core)', () => {
    const floats = embeddings.fromResponse({ embeddings: [{ values: [0.5, -1] }, { values: [2] }] }, target, req({}));
    expect(floats.data).toEqual([{ object: 'embedding', index: 0, embedding: [0.5, -1] }, { object: 'embedding', index: 1, embedding: [2] }]);
    const b64 = embeddings.fromResponse({ embedding: { values: [0.5, -1] } }, target, req({ encoding_format: 'base64' }));
    expect(b64.data[0]?.embedding).toEqual([0.5, -1]);
    expect(b64).toMatchObject({ object: 'list', model: 'text-embedding-004', usage: { prompt_tokens: 0, total_tokens: 0 } });
  });
});
