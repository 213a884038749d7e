import { describe, expect, test } from 'vitest';
import { multipartBoundary, MultipartModelScanner, type ModelField } from '../../../core/forward/multipart-model.ts';

const b = 'XyZ-boundary';
const form = (parts: readonly [string, string, string?][]): Buffer =>
  Buffer.from(
    parts
      .map(([name, value, filename]) => `--${b}\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}\r\n\r\n${value}\r\n`)
      .join('') + `--${b}--\r\n`,
  );

/** Feeds `body` in pieces of `size` bytes; the field, or the thrown error. */
function scan(body: Buffer, size: number): ModelField | undefined {
  const scanner = new MultipartModelScanner(b);
  for (let at = 0; at < body.length; at += size) {
    const found = scanner.feed(body.subarray(at, at + size));
    if (found !== undefined) return found;
  }
  throw scanner.end();
}

describe('MultipartModelScanner', () => {
  test.each([1, 2, 3, 7, 64, 100_000])('finds model after a file, fed %i bytes at a time, with its exact offsets', (size) => {
    const body = form([
      ['file', `binary\r\n--${b.slice(0, 5)} not a boundary \r\n--`, 'a.mp3'],
      ['model', 'openai/whisper-1'],
      ['language', 'en'],
    ]);
    const field = scan(body, size) as ModelField;
    expect(field.value).toBe('openai/whisper-1');
    expect(body.subarray(field.start, field.end).toString()).toBe('openai/whisper-1');
  });

  test('model first: found before the rest is read', () => {
    const body = form([
      ['model', 'whisper-1'],
      ['file', 'x'.repeat(1000), 'a.mp3'],
    ]);
    const scanner = new MultipartModelScanner(b);
    const field = scanner.feed(body.subarray(0, 120));
    expect(field).toMatchObject({ value: 'whisper-1' });
  });

  test('no model field: 400 naming model; a body cut inside a part header: 400 invalid_multipart', () => {
    expect(() => scan(form([['file', 'abc', 'a.mp3']]), 5)).toThrow(expect.objectContaining({ status: 400, extra: expect.objectContaining({ param: 'model' }) }));
    expect(() => scan(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="mo`), 4)).toThrow(
      expect.objectContaining({ status: 400, extra: expect.objectContaining({ code: 'invalid_multipart' }) }),
    );
  });

  test('a model value past 1 KiB is refused without reading on', () => {
    const scanner = new MultipartModelScanner(b);
    const start = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="model"\r\n\r\n`);
    expect(() => scanner.feed(Buffer.concat([start, Buffer.alloc(2000, 0x61)]))).toThrow(expect.objectContaining({ status: 400 }));
  });

  test('boundary: quoted or not; other types are 400', () => {
    expect(multipartBoundary('multipart/form-data; boundary=abc')).toBe('abc');
    expect(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b"')).toBe('a b');
    expect(() => multipartBoundary('application/json')).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => multipartBoundary('multipart/form-data; charset=utf-8')).toThrow(expect.objectContaining({ status: 400 }));
  });
});
