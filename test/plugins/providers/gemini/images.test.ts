import { describe, expect, test } from 'vitest';
import { GatewayError, type Deployment } from 'switchyard';
import { geminiImages } from '../../../../plugins/providers/gemini/images.ts';

const target: Deployment = { id: 'gemini/imagen-4.0-generate-001', group: 'g', provider: 'gemini', model: 'imagen-4.0-generate-001' };
const images = geminiImages('gemini');
const toRequest = (body: Record<string, unknown>) => images.toRequest({ model: 'imagen-4.0-generate-001', ...body }, target);

function refusal(body: Record<string, unknown>): GatewayError {
  try {
    toRequest(body);
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('images.generate → Imagen :predict', () => {
  test('prompt and n; sampleCount is always sent (Imagen makes 4 without it)', () => {
    expect(toRequest({ prompt: 'a fox' })).toEqual({ instances: [{ prompt: 'a fox' }], parameters: { sampleCount: 1 } });
    expect(toRequest({ prompt: 'a fox', n: 3, response_format: 'b64_json', quality: 'auto' })).toEqual({ instances: [{ prompt: 'a fox' }], parameters: { sampleCount: 3 } });
  });

  test('size: 1024x1024 is 1:1, an aspect ratio passes as it is, auto is the default', () => {
    expect(toRequest({ prompt: 'p', size: '1024x1024' }).parameters).toEqual({ sampleCount: 1, aspectRatio: '1:1' });
    expect(toRequest({ prompt: 'p', size: '16:9' }).parameters).toEqual({ sampleCount: 1, aspectRatio: '16:9' });
    expect(toRequest({ prompt: 'p', size: 'auto' }).parameters).toEqual({ sampleCount: 1 });
  });

  test('what has no exact equivalent is a 400 naming the parameter', () => {
    expect(refusal({ prompt: 'p', size: '1792x1024' })).toMatchObject({ status: 400, extra: { param: 'size', code: 'unsupported_parameter' } });
    expect(refusal({ prompt: 'p', size: '512x512' }).extra.param).toBe('size');
    expect(refusal({ prompt: 'p', response_format: 'url' })).toMatchObject({ status: 400, extra: { param: 'response_format' } });
    expect(refusal({ prompt: 'p', response_format: 'url' }).message).toMatch(/b64_json only/);
    expect(refusal({ prompt: 'p', n: 5 }).extra.param).toBe('n');
    expect(refusal({ prompt: 'p', n: 1.5 }).extra.param).toBe('n');
    expect(refusal({ prompt: 'p', quality: 'hd' }).extra.param).toBe('quality');
    expect(refusal({ prompt: 'p', style: 'vivid' })).toMatchObject({ status: 400, extra: { param: 'style', code: 'unsupported_parameter', provider: 'gemini' } });
    expect(refusal({ prompt: 'p', user: 'u-1' }).extra.param).toBe('user');
    expect(refusal({ prompt: '' })).toMatchObject({ status: 400, extra: { param: 'prompt' } });
    expect(refusal({})).toMatchObject({ status: 400, extra: { param: 'prompt' } });
  });
});

describe('Imagen predictions → OpenAI images answer', () => {
  test('one b64_json entry per image; filtered ones are left out', () => {
    const answer = images.fromResponse(
      { predictions: [{ bytesBase64Encoded: 'AAA', mimeType: 'image/png' }, { raiFilteredReason: 'held back' }, { bytesBase64Encoded: 'BBB', mimeType: 'image/png' }] },
      target,
      {},
    ) as { created: number; data: unknown[] };
    expect(answer.data).toEqual([{ b64_json: 'AAA' }, { b64_json: 'BBB' }]);
    expect(answer.created).toBeGreaterThan(1_700_000_000);
    expect(answer.created).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  test('no image at all: a 400 content_policy_violation, with the reason when Imagen gave one', () => {
    for (const [response, reason] of [
      [{}, /safety filter/],
      [{ predictions: [{ raiFilteredReason: 'Your prompt was blocked.' }] }, /Your prompt was blocked/],
    ] as const) {
      let err: unknown;
      try {
        images.fromResponse(response, target, {});
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ status: 400, extra: { code: 'content_policy_violation' } });
      expect((err as Error).message).toMatch(reason);
    }
  });

  test('predictions that are neither images nor filtered: the upstream is broken (502)', () => {
    expect(() => images.fromResponse({ predictions: [{ mimeType: 'image/png' }] }, target, {})).toThrow(expect.objectContaining({ status: 502 }));
  });
});
