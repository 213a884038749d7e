import { connect } from 'node:net';

/** What came back on a raw connection, up to its close. */
export interface RawExchange {
  /** Status code of the first response line, or 0 if none came. */
  readonly status: number;
  readonly head: string;
  readonly body: string;
  /** A socket error the client saw (ECONNRESET, EPIPE…), if any. */
  readonly error: string | undefined;
}

/**
 * Writes `parts` to a fresh loopback connection, one after the other (each awaited: written,
 * or an error), then reads until the server closes. For what `fetch` cannot send: oversized or
 * malformed heads, heads that stop halfway, bodies over the limit.
 */
export function rawExchange(port: number, parts: readonly (string | Buffer)[]): Promise<RawExchange> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let error: string | undefined;
    socket.on('data', (c: Buffer) => received.push(c));
    socket.on('error', (err: NodeJS.ErrnoException) => (error ??= err.code ?? err.message));
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = split === -1 ? text : text.slice(0, split);
      done({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: split === -1 ? '' : text.slice(split + 4), error });
    });
    socket.once('connect', async () => {
      for (const part of parts) {
        if (socket.destroyed) return;
        await new Promise<void>((written) => socket.write(part, () => written()));
      }
    });
  });
}
