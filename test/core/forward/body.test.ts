import { describe, expect, test } from 'vitest';
import { JsonForwardBody, MultipartForwardBody, sliceChunks } from '../../../core/forward/body.ts';
import { GatewayError } from '../../../core/errors.ts';
import type { RequestReader } from '../../../core/forward/request-reader.ts';

async function collect(bytes: Buffer | string | AsyncIterable<Buffer>): Promise<string> {
  if (typeof bytes === 'string' || Buffer.isBuffer(bytes)) return bytes.toString();
  const parts: Buffer[] = [];
  for await (const part of bytes) parts.push(part);
  return Buffer.concat(parts).toString();
}

/** A reader over fixed chunks (what `RequestReader` yields for a request). */
function readerOf(chunks: string[]): RequestReader {
  const queue = chunks.map((c) => Buffer.from(c));
  let stopped = 0;
  return { next: async () => queue.shift(), stop: () => void stopped++, get stops() { return stopped; } } as unknown as RequestReader;
}

describe('sliceChunks', () => {
  test('views of [from, to) across chunk edges', () => {
    const chunks = ['abc', 'defg', 'hi'].map((s) => Buffer.from(s));
    expect(Buffer.concat(sliceChunks(chunks, 2, 8)).toString()).toBe('cdefgh');
    expect(Buffer.concat(sliceChunks(chunks, 0, 3)).toString()).toBe('abc');
    expect(Buffer.concat(sliceChunks(chunks, 3, Infinity)).toString()).toBe('defghi');
    expect(sliceChunks(chunks, 4, 4)).toEqual([]);
  });
});

describe('JsonForwardBody', () => {
  test("the client's bytes when the model is unchanged, else the object with the deployment's model", async () => {
    const bytes = Buffer.from('{"model":"dall-e-3",  "prompt":"x"}');
    const body = new JsonForwardBody(bytes, { model: 'dall-e-3', prompt: 'x' });
    expect(body.open('dall-e-3')).toEqual({ bytes, length: bytes.length });
    const other = body.open('gpt-image-1');
    expect(await collect(other.bytes)).toBe('{"model":"gpt-image-1","prompt":"x"}');
    expect(other.length).toBe(36);
  });
});

describe('MultipartForwardBody', () => {
  const head = ['--b\r\nname="model"\r\n\r\nopen', 'ai/tts-1\r\n--b\r\nfile: ', 'abc'];
  const field = { value: 'openai/tts-1', start: 21, end: 33 };

  test('read whole: the model replaced, sendable again', async () => {
    const body = new MultipartForwardBody({ contentType: 'multipart/form-data; boundary=b', head: head.map((s) => Buffer.from(s)), field, rest: undefined, declaredLength: undefined });
    const first = body.open('tts-1');
    const expected = '--b\r\nname="model"\r\n\r\ntts-1\r\n--b\r\nfile: abc';
    expect(await collect(first.bytes)).toBe(expected);
    expect(first.length).toBe(expected.length);
    body.failed(new Error('x'));
    expect(await collect(body.open('tts-1').bytes)).toBe(await collect(first.bytes));
    expect(body.replayable).toBe(true);
  });

  test('streamed: head then rest, the declared length adjusted; a second attempt answers with the first failure, without its provider', async () => {
    const rest = readerOf(['def', 'ghi']);
    const total = head.join('').length + 6;
    const body = new MultipartForwardBody({ contentType: 'multipart/form-data; boundary=b', head: head.map((s) => Buffer.from(s)), field, rest, declaredLength: total });
    const payload = body.open('tts-1');
    expect(payload.length).toBe(total - 'openai/'.length);
    expect(await collect(payload.bytes)).toBe('--b\r\nname="model"\r\n\r\ntts-1\r\n--b\r\nfile: abcdefghi');
    expect(body.replayable).toBe(false);
    const upstream = new GatewayError(502, 'api_error', 'openai failed', { provider: 'openai', upstreamStatus: 500, code: 'upstream_error' });
    body.failed(upstream);
    let refusal: unknown;
    try {
      body.open('whisper-1');
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(GatewayError);
    expect(refusal).toMatchObject({ status: 502, message: 'openai failed', extra: { upstreamStatus: 500, code: 'upstream_error' } });
    expect((refusal as GatewayError).extra.provider).toBeUndefined();
    body.close();
    expect((rest as unknown as { stops: number }).stops).toBe(1);
  });
});
