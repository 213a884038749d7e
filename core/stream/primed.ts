/**
 * Reads the first item of a stream before the stream is handed on. Failures that happen before
 * any byte would reach the client (an error status, an error as the first event, a hang) surface
 * as a rejected promise, where retries and fallbacks can still act; after that, the stream is
 * committed.
 */
export async function primeStream<T>(source: AsyncIterator<T>): Promise<AsyncIterable<T>> {
  const first = await source.next();
  return new PrimedStream(first, source);
}

class PrimedStream<T> implements AsyncIterable<T>, AsyncIterator<T> {
  #first: IteratorResult<T> | undefined;
  readonly #source: AsyncIterator<T>;

  constructor(first: IteratorResult<T>, source: AsyncIterator<T>) {
    this.#first = first;
    this.#source = source;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    const first = this.#first;
    if (first !== undefined) {
      this.#first = undefined;
      return Promise.resolve(first);
    }
    return this.#source.next();
  }

  /** Closing the stream, even unread, releases the upstream. */
  async return(): Promise<IteratorResult<T>> {
    this.#first = undefined;
    await this.#source.return?.();
    return { done: true, value: undefined };
  }
}
