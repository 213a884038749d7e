import { clientClosed } from 'switchyard';

interface Flight<T> {
  readonly owner: object;
  /** Created when the first waiter asks: most requests lead a flight nobody joins. */
  promise: Promise<T | undefined> | undefined;
  settle: ((value: T | undefined) => void) | undefined;
  settled: boolean;
  /** The answer once settled, for waiters that ask after that. */
  value: T | undefined;
}

/**
 * Requests in flight in this process, by cache key. The first request for a key leads (calls
 * upstream); identical ones arriving meanwhile wait for its answer. A leader that fails settles
 * with `undefined`: its error is never handed to the waiters, who call upstream themselves.
 * Per process: gateways sharing a Redis cache coalesce each on their own.
 */
export class InFlight<T> {
  readonly #flights = new Map<string, Flight<T>>();

  get size(): number {
    return this.#flights.size;
  }

  /** The answer being awaited for `key`, if any request leads it. */
  pending(key: string): Promise<T | undefined> | undefined {
    const flight = this.#flights.get(key);
    if (flight === undefined) return undefined;
    if (flight.promise === undefined) {
      if (flight.settled) flight.promise = Promise.resolve(flight.value);
      else flight.promise = new Promise<T | undefined>((resolve) => (flight.settle = resolve));
    }
    return flight.promise;
  }

  /** Makes `owner` the leader for `key`; false if another request already leads it. */
  lead(key: string, owner: object): boolean {
    if (this.#flights.has(key)) return false;
    this.#flights.set(key, { owner, promise: undefined, settle: undefined, settled: false, value: undefined });
    return true;
  }

  /**
   * Hands the leader's answer to the waiters. The flight stays until `end`, so requests that
   * arrive while the answer is being written to the store still share it.
   */
  resolve(key: string, owner: object, value: T): void {
    const flight = this.#flights.get(key);
    if (flight === undefined || flight.owner !== owner || flight.settled) return;
    flight.settled = true;
    flight.value = value;
    flight.settle?.(value);
  }

  /** Ends `owner`'s flight; waiters of an unanswered one get `undefined`. */
  end(key: string, owner: object): void {
    const flight = this.#flights.get(key);
    if (flight === undefined || flight.owner !== owner) return;
    this.#flights.delete(key);
    if (!flight.settled) {
      flight.settled = true;
      flight.settle?.(undefined);
    }
  }
}

/**
 * Waits for a leader's answer, giving up (undefined) after `timeoutMs`, and rejecting with a 499
 * if the client leaves first.
 */
export function waitFor<T>(answer: Promise<T | undefined>, signal: AbortSignal, timeoutMs: number): Promise<T | undefined> {
  if (signal.aborted) return Promise.reject(clientClosed());
  return new Promise<T | undefined>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      done();
      reject(clientClosed());
    };
    const timer = setTimeout(() => {
      done();
      resolve(undefined);
    }, timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    void answer.then((value) => {
      done();
      resolve(value);
    });
  });
}
