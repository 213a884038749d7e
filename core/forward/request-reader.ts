import type { IncomingMessage } from 'node:http';
import { bodyTooLarge, clientClosed } from '../errors.ts';

/**
 * Reads a request body chunk by chunk, on demand: the request is paused while nobody reads, so an
 * upload forwarded upstream is paced by the upstream, not held in memory. Bounded by `limit`
 * (a 413 once passed). One reader per request; listeners are this object's methods.
 */
export class RequestReader {
  readonly #req: IncomingMessage;
  readonly #limit: number;
  readonly #queue: Buffer[] = [];
  #size = 0;
  #ended = false;
  #failure: Error | undefined = undefined;
  #wake: ((chunk: Buffer | undefined) => void) | undefined = undefined;
  #fail: ((err: Error) => void) | undefined = undefined;
  #stopped = false;

  constructor(req: IncomingMessage, limit: number) {
    this.#req = req;
    this.#limit = limit;
    if (req.readableEnded) {
      this.#ended = true;
      return;
    }
    req.on('data', this.#onData);
    req.on('end', this.#onEnd);
    req.on('error', this.#onError);
    req.on('close', this.#onClose);
  }

  /** Bytes read so far. */
  get size(): number {
    return this.#size;
  }

  /** Whether the whole body has been read (no more chunks will come). */
  get ended(): boolean {
    return this.#ended && this.#queue.length === 0;
  }

  /** The next chunk, or undefined at the end; rejects with a 413 past the limit, a 499 if the client left. */
  next(): Promise<Buffer | undefined> {
    const chunk = this.#queue.shift();
    if (chunk !== undefined) {
      if (this.#queue.length === 0 && !this.#ended && !this.#stopped) this.#req.resume();
      return Promise.resolve(chunk);
    }
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#ended) return Promise.resolve(undefined);
    this.#req.resume();
    return new Promise((resolve, reject) => {
      this.#wake = resolve;
      this.#fail = reject;
    });
  }

  /**
   * Stops reading: listeners go, and an unread rest is drained (thrown away), so the connection
   * can end cleanly (a 413 is answered once the client has sent its body, see `endAfterBody`).
   */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#queue.length = 0;
    const req = this.#req;
    req.off('data', this.#onData);
    req.off('end', this.#onEnd);
    req.off('error', this.#onError);
    req.off('close', this.#onClose);
    if (!this.#ended) req.resume();
  }

  #settle(chunk: Buffer | undefined): boolean {
    const wake = this.#wake;
    if (wake === undefined) return false;
    this.#wake = this.#fail = undefined;
    wake(chunk);
    return true;
  }

  #reject(err: Error): void {
    this.#failure = err;
    const fail = this.#fail;
    this.#wake = this.#fail = undefined;
    fail?.(err);
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#failure !== undefined) return;
    this.#size += chunk.length;
    if (this.#size > this.#limit) {
      this.#reject(bodyTooLarge(this.#limit));
      this.stop();
      return;
    }
    if (this.#settle(chunk)) return;
    this.#queue.push(chunk);
    this.#req.pause();
  };

  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#settle(undefined);
  };

  readonly #onError = (err: Error): void => {
    if (!this.#ended) this.#reject(clientClosed(err));
  };

  readonly #onClose = (): void => {
    if (!this.#ended && this.#failure === undefined) this.#reject(clientClosed());
  };
}
