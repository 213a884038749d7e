import { expect, test } from 'vitest';
import { requestUnits } from 'switchyard';

test('images: n (default 1), size and quality from a JSON request; none of them from an upload', () => {
  expect(requestUnits('images', { model: 'dall-e-3', prompt: 'x' })).toEqual({ images: 1 });
  expect(requestUnits('images', { model: 'dall-e-2', n: 3, size: '512x512' })).toEqual({ images: 3, size: '512x512' });
  expect(requestUnits('images', { model: 'dall-e-3', size: '1024x1792', quality: 'hd' })).toEqual({ images: 1, size: '1024x1792', quality: 'hd' });
  for (const n of [0, -1, 1.5, '2', null]) expect(requestUnits('images', { n }).images, String(n)).toBe(1);
  expect(requestUnits('images', { model: 'dall-e-2' }, true)).toEqual({});
});

test('speech: characters of input as code points', () => {
  expect(requestUnits('speech', { input: 'Hello, world' })).toEqual({ characters: 12 });
  expect(requestUnits('speech', { input: 'héllo 👋' })).toEqual({ characters: 7 });
  expect(requestUnits('speech', { input: 42 })).toEqual({});
});

test('rerank: one search per 100 documents, at least one; moderations: one request; transcriptions: nothing before the answer', () => {
  const docs = (n: number): string[] => Array.from({ length: n }, (_, i) => `d${i}`);
  expect(requestUnits('rerank', { documents: docs(1) })).toEqual({ searches: 1 });
  expect(requestUnits('rerank', { documents: docs(100) })).toEqual({ searches: 1 });
  expect(requestUnits('rerank', { documents: docs(101) })).toEqual({ searches: 2 });
  expect(requestUnits('rerank', { documents: [] })).toEqual({ searches: 1 });
  expect(requestUnits('rerank', { documents: 'x' })).toEqual({});
  expect(requestUnits('moderations', { input: 'x' })).toEqual({ requests: 1 });
  expect(requestUnits('transcriptions', { model: 'whisper-1' })).toEqual({});
});
