import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { RequestReader } from '../../../core/forward/request-reader.ts';

/** A request stand-in: a stream the test writes the body into. */
const request = (): PassThrough & IncomingMessage => new PassThrough() as PassThrough & IncomingMessage;

describe('RequestReader', () => {
  test('chunks on demand, then undefined at the end; the request is paused while nobody reads', async () => {
    const req = request();
    const reader = new RequestReader(req, 100);
    req.write('abc');
    req.write('def');
    expect((await reader.next())?.toString()).toBe('abc');
    // Once the stream has emitted 'def' with no read waiting, it holds it and pauses.
    await new Promise((resolve) => setImmediate(resolve));
    expect(req.isPaused()).toBe(true);
    expect((await reader.next())?.toString()).toBe('def');
    req.end();
    expect(await reader.next()).toBeUndefined();
    expect(reader.ended).toBe(true);
    expect(reader.size).toBe(6);
  });

  test('past the limit: 413, and what is still sent is drained', async () => {
    const req = request();
    const reader = new RequestReader(req, 5);
    req.write('abcd');
    expect((await reader.next())?.toString()).toBe('abcd');
    const next = reader.next();
    req.write('efgh');
    await expect(next).rejects.toMatchObject({ status: 413, extra: { code: 'request_too_large' } });
    expect(req.isPaused()).toBe(false);
    expect(req.listenerCount('data')).toBe(0);
  });

  test('a client that goes away mid-body: 499', async () => {
    const req = request();
    const reader = new RequestReader(req, 100);
    const next = reader.next();
    req.destroy();
    await expect(next).rejects.toMatchObject({ status: 499 });
  });
});
