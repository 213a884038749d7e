import type { Readable } from 'node:stream';

/** Per-read state, kept on the stream itself so the listeners below are shared, not made per call. */
interface Collecting {
  first: Buffer | undefined;
  parts: Buffer[] | undefined;
  size: number;
  readonly limit: number;
  readonly tooLarge: (limit: number) => Error;
  readonly resolve: (bytes: Buffer) => void;
  readonly reject: (err: Error) => void;
}

const state = Symbol('switchyard.collect');
type CollectedStream = Readable & { [state]?: Collecting | undefined };

/**
 * Reads a whole stream into one Buffer with plain `data`/`end` listeners. On small bodies (a chat
 * request, a JSON answer) `for await` costs more than the read itself: a promise per chunk and the
 * end-of-stream machinery (bench/RESULTS.md). The listeners are module functions (no closures per
 * call). Past `limit` bytes the stream is destroyed and the promise rejects with `tooLarge(limit)`, as
 * breaking out of `for await` did. A stream that fails, or closes before its end, rejects.
 */
export function collect(stream: Readable, limit: number, tooLarge: (limit: number) => Error): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    if (stream.readableEnded) return resolve(Buffer.alloc(0));
    if (stream.destroyed) return reject(prematureClose());
    (stream as CollectedStream)[state] = { first: undefined, parts: undefined, size: 0, limit, tooLarge, resolve, reject };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/** Detaches the listeners and hands back the state, once. */
function finish(stream: CollectedStream): Collecting | undefined {
  const s = stream[state];
  if (s === undefined) return undefined;
  stream[state] = undefined;
  stream.off('data', onData);
  stream.off('end', onEnd);
  stream.off('error', onError);
  stream.off('close', onClose);
  return s;
}

function onData(this: CollectedStream, chunk: Buffer): void {
  const s = this[state];
  if (s === undefined) return;
  s.size += chunk.length;
  if (s.size > s.limit) {
    finish(this);
    this.destroy();
    s.reject(s.tooLarge(s.limit));
    return;
  }
  if (s.first === undefined) s.first = chunk;
  else (s.parts ??= [s.first]).push(chunk);
}

function onEnd(this: CollectedStream): void {
  const s = finish(this);
  if (s === undefined) return;
  s.resolve(s.parts !== undefined ? Buffer.concat(s.parts, s.size) : (s.first ?? Buffer.alloc(0)));
}

function onError(this: CollectedStream, err: Error): void {
  finish(this)?.reject(err);
}

function onClose(this: CollectedStream): void {
  finish(this)?.reject(prematureClose());
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
