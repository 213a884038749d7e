import { describe, expect, test } from 'vitest';
import { ForwardMeter } from 'switchyard';
import { answerFacts } from '../../../core/forward/answer-facts.ts';

/** Feeds `text` to a meter in pieces of `size` bytes (and in one piece when size is 0). */
function meter(op: ConstructorParameters<typeof ForwardMeter>[0], request: Record<string, unknown>, text: string | Buffer, size = 0, json = true, multipart = false): ForwardMeter {
  const m = new ForwardMeter(op, request, json, multipart);
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  if (size === 0) m.add(bytes);
  else for (let at = 0; at < bytes.length; at += size) m.add(bytes.subarray(at, at + size));
  return m;
}

describe('images', () => {
  const answer = (n: number, key: 'url' | 'b64_json', pad = 0): string =>
    JSON.stringify({
      created: 1,
      data: Array.from({ length: n }, (_, i) => ({ [key]: key === 'url' ? `https://x/${i}.png` : 'A'.repeat(pad), revised_prompt: 'a "url": here and "b64_json": there' })),
    });

  test("the answer's data entries are counted over every byte, whatever the chunking", () => {
    for (const key of ['url', 'b64_json'] as const) {
      const text = answer(3, key, 5000);
      for (const size of [0, 1, 2, 3, 7, 10, 16, 17, 4096]) {
        expect(meter('images', { n: 1 }, text, size).units().images, `${key} in ${size}-byte chunks`).toBe(3);
      }
    }
    // Pretty-printed, as some servers write it.
    const pretty = JSON.stringify(JSON.parse(answer(2, 'url')), null, 2).replace(/":/g, '" :');
    expect(meter('images', {}, pretty, 5).units().images).toBe(2);
  });

  test("an upload's units come from the answer; without data entries the request's n stands", () => {
    expect(meter('images', { model: 'dall-e-2' }, answer(2, 'b64_json', 10), 0, true, true).units()).toEqual({ images: 2 });
    expect(meter('images', { n: 4, size: '256x256' }, '{"created":1}').units()).toEqual({ images: 4, size: '256x256' });
  });

  test("gpt-image-1: usage in the chat shape, image prompt tokens apart, size and quality from the answer's end", () => {
    const text = JSON.stringify({
      created: 1,
      data: [{ b64_json: 'A'.repeat(20_000) }],
      quality: 'high',
      size: '1024x1536',
      usage: { input_tokens: 250, input_tokens_details: { image_tokens: 200, text_tokens: 50 }, output_tokens: 6240, total_tokens: 6490 },
    });
    const m = meter('images', { model: 'gpt-image-1', prompt: 'x' }, text, 1000);
    expect(m.usage()).toEqual({ prompt_tokens: 250, completion_tokens: 6240, total_tokens: 6490 });
    expect(m.units()).toEqual({ images: 1, size: '1024x1536', quality: 'high', imageInputTokens: 200 });
  });
});

describe('audio, rerank, moderations', () => {
  test('whisper json: usage seconds; verbose_json: duration from the first bytes; text: nothing', () => {
    const json = meter('transcriptions', { model: 'whisper-1' }, JSON.stringify({ text: 'hi', usage: { type: 'duration', seconds: 3 } }));
    expect(json.units()).toEqual({ seconds: 3 });
    expect(json.usage()).toBeUndefined();
    const segments = Array.from({ length: 200 }, (_, i) => ({ id: i, start: i, end: i + 1, text: 'word '.repeat(10) }));
    const verbose = JSON.stringify({ task: 'transcribe', language: 'english', duration: 8.47, text: 'a "duration": 99', segments });
    expect(verbose.length).toBeGreaterThan(8192);
    expect(meter('transcriptions', {}, verbose, 1000).units()).toEqual({ seconds: 8.47 });
    expect(meter('transcriptions', {}, 'just the text', 0, false).units()).toEqual({});
    // A text answer typed as JSON by a lax server: still nothing.
    expect(meter('transcriptions', {}, 'the "duration" was long').units()).toEqual({});
  });

  test('gpt-4o-transcribe: token usage with audio tokens apart', () => {
    const text = JSON.stringify({ text: 'hi', usage: { type: 'tokens', input_tokens: 120, input_token_details: {}, input_tokens_details: { audio_tokens: 100, text_tokens: 20 }, output_tokens: 8, total_tokens: 128 } });
    const m = meter('transcriptions', {}, text);
    expect(m.usage()).toEqual({ prompt_tokens: 120, completion_tokens: 8, total_tokens: 128 });
    expect(m.units()).toEqual({ audioInputTokens: 100 });
  });

  test('speech: characters from the request; the audio bytes are not looked into', () => {
    const audio = Buffer.concat([Buffer.from([0xff, 0xfb]), Buffer.from('{"usage":{"type":"duration","seconds":9}}')]);
    const m = meter('speech', { input: 'Hello there' }, audio, 3, false);
    expect(m.units()).toEqual({ characters: 11 });
    expect(m.usage()).toBeUndefined();
  });

  test("rerank: Cohere's billed search units beat the request's document count", () => {
    const text = JSON.stringify({ id: 'r', results: [{ index: 0, relevance_score: 0.9 }], meta: { api_version: { version: '2' }, billed_units: { search_units: 2 } } });
    expect(meter('rerank', { documents: ['a'] }, text).units()).toEqual({ searches: 2 });
    expect(meter('rerank', { documents: ['a'] }, JSON.stringify({ results: [] })).units()).toEqual({ searches: 1 });
  });

  test('moderations: one request', () => {
    expect(meter('moderations', { input: 'x' }, JSON.stringify({ id: 'modr', results: [] })).units()).toEqual({ requests: 1 });
  });
});

test('answerFacts ignores a cut or absent usage', () => {
  expect(answerFacts('', '{"usage":{"type":"duration","sec')).toEqual({});
  expect(answerFacts('', '{"text":"x"}')).toEqual({});
  expect(answerFacts('', '{"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}').usage).toEqual({ prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 });
});
