import type { Readable } from 'node:stream';

/**
 * Reads a whole stream into one Buffer with plain `data`/`end` listeners. On small bodies (a chat
 * request, a JSON answer) `for await` costs more than the read itself: a promise per chunk and the
 * end-of-stream machinery (bench/RESULTS.md). Past `limit` bytes the stream is destroyed and the
 * promise rejects with `tooLarge()`, as breaking out of `for await` did. A stream that closes
 * before its end, or fails, rejects.
 */
export function collect(stream: Readable, limit: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    if (stream.readableEnded) {
      resolve(Buffer.alloc(0));
      return;
    }
    if (stream.destroyed) {
      reject(prematureClose());
      return;
    }
    let first: Buffer | undefined;
    let parts: Buffer[] | undefined;
    let size = 0;
    let settled = false;
    const cleanup = (): void => {
      settled = true;
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        stream.destroy();
        reject(tooLarge());
        return;
      }
      if (first === undefined) first = chunk;
      else (parts ??= [first]).push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(parts !== undefined ? Buffer.concat(parts, size) : (first ?? Buffer.alloc(0)));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onClose = (): void => {
      if (!settled) {
        cleanup();
        reject(prematureClose());
      }
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
