import { describe, expect, test } from 'vitest';
import { GatewayError, type Deployment } from 'switchyard';
import { bedrockImages } from '../../../../plugins/providers/bedrock/images.ts';
import { bedrockRerank } from '../../../../plugins/providers/bedrock/rerank.ts';

const deployment = (model: string): Deployment => ({ id: `bedrock/${model}`, group: 'g', provider: 'bedrock', model });
const nova = deployment('amazon.nova-canvas-v1:0');
const images = bedrockImages('bedrock');
const rerank = bedrockRerank('bedrock');

function refusal(run: () => unknown): GatewayError {
  try {
    run();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('images.generate → TEXT_IMAGE (Nova Canvas, Titan Image)', () => {
  test('prompt, n, size and quality; no size is 1024x1024, so the image and its price agree', () => {
    expect(images.toRequest({ model: 'x', prompt: 'a fox' }, nova)).toEqual({
      taskType: 'TEXT_IMAGE',
      textToImageParams: { text: 'a fox' },
      imageGenerationConfig: { numberOfImages: 1, width: 1024, height: 1024 },
    });
    expect(images.toRequest({ model: 'x', prompt: 'a fox', n: 5, size: '1792x1024', quality: 'hd', response_format: 'b64_json' }, deployment('us.amazon.nova-canvas-v1:0'))).toEqual({
      taskType: 'TEXT_IMAGE',
      textToImageParams: { text: 'a fox' },
      imageGenerationConfig: { numberOfImages: 5, width: 1792, height: 1024, quality: 'premium' },
    });
    expect(images.toRequest({ model: 'x', prompt: 'p', quality: 'standard' }, deployment('amazon.titan-image-generator-v2:0')).imageGenerationConfig.quality).toBe('standard');
  });

  test('what has no equivalent is a 400 naming it; so is a model that makes no images', () => {
    expect(refusal(() => images.toRequest({ prompt: 'p', response_format: 'url' }, nova)).extra.param).toBe('response_format');
    expect(refusal(() => images.toRequest({ prompt: 'p', n: 6 }, nova)).extra.param).toBe('n');
    expect(refusal(() => images.toRequest({ prompt: 'p', quality: 'high' }, nova)).extra.param).toBe('quality');
    expect(refusal(() => images.toRequest({ prompt: 'p', size: 'big' }, nova)).extra.param).toBe('size');
    expect(refusal(() => images.toRequest({ prompt: 'p', style: 'vivid' }, nova)).extra).toMatchObject({ param: 'style', code: 'unsupported_parameter' });
    expect(refusal(() => images.toRequest({ prompt: 'p' }, deployment('anthropic.claude-3-5-sonnet-20241022-v2:0')))).toMatchObject({ status: 400, extra: { param: 'model' } });
  });

  test('the answer: one b64_json entry per image; none is a broken upstream (502) with its error', () => {
    const answer = images.fromResponse({ images: ['AAA', 'BBB'], error: null }, nova, {}) as { data: unknown[] };
    expect(answer.data).toEqual([{ b64_json: 'AAA' }, { b64_json: 'BBB' }]);
    expect(() => images.fromResponse({ images: [], error: 'boom' }, nova, {})).toThrow(expect.objectContaining({ status: 502, message: expect.stringContaining('boom') }));
  });
});

describe("rerank (Cohere's shape) → Cohere Rerank on InvokeModel", () => {
  const model = deployment('cohere.rerank-v3-5:0');

  test('query, documents, top_n and max_tokens_per_doc, with api_version 2', () => {
    expect(rerank.toRequest({ model: 'r', query: 'q', documents: ['a', 'b'], top_n: 1 }, model)).toEqual({ query: 'q', documents: ['a', 'b'], top_n: 1, api_version: 2 });
    expect(rerank.toRequest({ model: 'r', query: 'q', documents: ['a'], max_tokens_per_doc: 512 }, model)).toEqual({ query: 'q', documents: ['a'], max_tokens_per_doc: 512, api_version: 2 });
  });

  test("v1's fields, bad values and a model that does not rerank: 400 naming them", () => {
    expect(refusal(() => rerank.toRequest({ query: 'q', documents: ['a'], return_documents: true }, model)).extra.param).toBe('return_documents');
    expect(refusal(() => rerank.toRequest({ query: 'q', documents: [] }, model)).extra.param).toBe('documents');
    expect(refusal(() => rerank.toRequest({ query: '', documents: ['a'] }, model)).extra.param).toBe('query');
    expect(refusal(() => rerank.toRequest({ query: 'q', documents: ['a'], top_n: 0 }, model)).extra.param).toBe('top_n');
    expect(refusal(() => rerank.toRequest({ query: 'q', documents: ['a'] }, deployment('amazon.titan-embed-text-v2:0'))).extra.param).toBe('model');
  });

  test("the answer in Cohere's shape; a result without its fields is a 502", () => {
    expect(rerank.fromResponse({ id: 'r-1', results: [{ index: 1, relevance_score: 0.9 }, { index: 0, relevance_score: 0.1 }] }, model, {})).toEqual({
      id: 'r-1',
      results: [{ index: 1, relevance_score: 0.9 }, { index: 0, relevance_score: 0.1 }],
    });
    expect(() => rerank.fromResponse({ results: [{ index: 1 }] }, model, {})).toThrow(expect.objectContaining({ status: 502 }));
    expect(() => rerank.fromResponse({}, model, {})).toThrow(expect.objectContaining({ status: 502 }));
  });
});
