import { describe, expect, test } from 'vitest';
import type { Deployment, EmbeddingRequest } from 'switchyard';
import { cohereEmbeddings } from '../../../../plugins/providers/cohere/embeddings.ts';
import type { CohereEmbedResponse } from '../../../../plugins/providers/cohere/wire.ts';

const target: Deployment = { id: 'd', group: 'g', provider: 'cohere', model: 'embed-v4.0' };
const t = cohereEmbeddings('search_document');

describe('cohere embeddings', () => {
  test('request: texts, input_type (deployment option over plugin default), float type, output_dimension', () => {
    expect(t.toRequest({ model: 'm', input: 'one' }, target)).toEqual({ model: 'embed-v4.0', texts: ['one'], input_type: 'search_document', embedding_types: ['float'] });
    const withOption: Deployment = { ...target, options: { inputType: 'classification' } };
    expect(t.toRequest({ model: 'm', input: ['a', 'b'], dimensions: 512 }, withOption)).toEqual({
      model: 'embed-v4.0',
      texts: ['a', 'b'],
      input_type: 'classification',
      embedding_types: ['float'],
      output_dimension: 512,
    });
    expect(t.maxBatch).toBe(96);
  });

  test('token arrays are a 400 naming input', () => {
    expect(() => t.toRequest({ model: 'm', input: [[1, 2, 3]] } as EmbeddingRequest, target)).toThrow(
      expect.objectContaining({ status: 400, extra: expect.objectContaining({ param: 'input' }) }),
    );
  });

  const res: CohereEmbedResponse = {
    id: 'da6e531f',
    response_type: 'embeddings_by_type',
    embeddings: { float: [[0.5, -0.25], [1, 2]] },
    texts: ['a', 'b'],
    meta: { api_version: { version: '2' }, billed_units: { input_tokens: 2 } },
  };

  test('response: floats in order, usage from billed units', () => {
    expect(t.fromResponse(res, target, { model: 'alias', input: ['a', 'b'] })).toEqual({
      object: 'list',
      model: 'embed-v4.0',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, -0.25] },
        { object: 'embedding', index: 1, embedding: [1, 2] },
      ],
      usage: { prompt_tokens: 2, total_tokens: 2 },
    });
  });

  test('encoding_format base64 still returns floats: the core encodes them (test/core/providers/translation-helpers.test.ts)', () => {
    const out = t.fromResponse(res, target, { model: 'alias', input: ['a', 'b'], encoding_format: 'base64' });
    expect(out.data[0]?.embedding).toEqual([0.5, -0.25]);
  });
});
