import { describe, expect, test } from 'vitest';
import { defineProvider, forwardRoutes, type ForwardRoute } from 'switchyard';
import { offersRoute, operationNotOffered } from '../../../core/providers/forward.ts';

const route = (path: string): ForwardRoute => {
  const found = forwardRoutes.find((r) => r.upstreamPath === path);
  if (found === undefined) throw new Error(path);
  return found;
};

const base = { request: () => ({ url: 'http://127.0.0.1:9', headers: {} }), errorInfo: () => ({ message: 'x' }) };
const translating = defineProvider({
  ...base,
  id: 'translating',
  forwardTranslations: { '/images/generations': { toRequest: (r) => r, fromResponse: (r) => r } },
});
const passing = defineProvider({ ...base, id: 'passing', forwards: ['images'] });

describe('which forwarded routes a provider offers', () => {
  test('a translation offers its own route only, not the rest of its operation', () => {
    expect(translating.translatedForwards).toEqual(['/images/generations']);
    expect(offersRoute(translating, route('/images/generations'))).toBe(true);
    expect(offersRoute(translating, route('/images/edits'))).toBe(false);
    expect(offersRoute(translating, route('/rerank'))).toBe(false);
  });

  test('a passed-through operation offers every route of it', () => {
    expect(offersRoute(passing, route('/images/generations'))).toBe(true);
    expect(offersRoute(passing, route('/images/edits'))).toBe(true);
    expect(offersRoute(undefined, route('/images/edits'))).toBe(false);
  });

  test('the refusal names the route when its operation says too much', () => {
    expect(operationNotOffered('gemini', route('/images/edits')).message).toBe("provider 'gemini' does not offer image edits");
    expect(operationNotOffered('gemini', route('/audio/translations')).message).toBe("provider 'gemini' does not offer audio translations");
    expect(operationNotOffered('gemini', route('/audio/speech')).message).toBe("provider 'gemini' does not offer audio speech");
    expect(operationNotOffered('anthropic', 'images')).toMatchObject({ status: 400, extra: { code: 'operation_not_supported', param: 'model' } });
  });
});
