import type { ForwardUnits } from './forward/units.ts';
import type { GatewayError } from './errors.ts';
import type { FinalResult, StreamChunk, Usage } from './openai/types.ts';

/**
 * A JSON value that may arrive as bytes (an upstream body passed through) or as an object
 * (a translated result). Each form is computed at most once, and only if someone asks, so a
 * pass-through answer is written to the client exactly as it came, never re-serialised.
 */
export class JsonBody<T> {
  #value: T | undefined;
  #text: string | Buffer | undefined;

  private constructor(value: T | undefined, text: string | Buffer | undefined) {
    this.#value = value;
    this.#text = text;
  }

  /** Parses now, so garbage is caught where it entered (the caller maps the SyntaxError). */
  static parse<T>(bytes: Buffer | string): JsonBody<T> {
    const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
    return new JsonBody<T>(JSON.parse(text) as T, bytes);
  }

  static of<T>(value: T): JsonBody<T> {
    return new JsonBody<T>(value, undefined);
  }

  get value(): T {
    return this.#value as T;
  }

  /** The serialised form; the original bytes when there are any. */
  get bytes(): string | Buffer {
    return (this.#text ??= JSON.stringify(this.#value));
  }
}

/**
 * One `data:` event of a stream. Upstream pass-through events keep their original JSON text,
 * which is what the client receives; translated events are serialised once, when written.
 */
export class StreamEvent<C extends StreamChunk = StreamChunk> {
  readonly chunk: C;
  #data: string | undefined;

  private constructor(chunk: C, data: string | undefined) {
    this.chunk = chunk;
    this.#data = data;
  }

  static fromData<C extends StreamChunk>(data: string, chunk: C): StreamEvent<C> {
    return new StreamEvent(chunk, data);
  }

  static of<C extends StreamChunk>(chunk: C): StreamEvent<C> {
    return new StreamEvent(chunk, undefined);
  }

  /** The JSON text after `data: `. */
  get data(): string {
    return (this.#data ??= JSON.stringify(this.chunk));
  }
}

/** A complete answer (non-streamed request). */
export interface CompleteResult {
  readonly kind: 'complete';
  readonly body: JsonBody<FinalResult>;
}

/**
 * A streamed answer. The iterator throws a GatewayError if the stream fails; it must stop
 * (and release its upstream) when `return()` is called.
 */
export interface StreamResult {
  readonly kind: 'stream';
  readonly events: AsyncIterable<StreamEvent>;
}

/**
 * Reads a forwarded answer as it passes to the client, without holding it: its usage, and
 * whatever else a format keeps (the Responses API's response id). Told of every chunk in order.
 */
export interface AnswerObserver {
  /**
   * Sees a chunk before the client does. A promise holds the chunk back until it settles (so a
   * format can record what the chunk announces before the client can act on it); a rejection
   * fails the answer.
   */
  add(chunk: Buffer): void | Promise<void>;
  /** Once the answer has ended well: its usage in OpenAI's meaning, when it carried one. */
  usage(): Usage | undefined;
  /**
   * Once the answer has ended: the failure it reported in its own words (an `error` event in a
   * relayed stream), for the log stage; undefined when it reported none.
   */
  failure?(): GatewayError | undefined;
  /** Once the answer has ended: a forwarded call's units (images, characters, seconds…), for its price. */
  units?(): ForwardUnits | undefined;
}

/**
 * A complete (non-streamed) answer too large to hold, passed through as it arrives, with
 * backpressure: the client's reads pace the upstream. Nothing sees it whole, so `transform.response`,
 * `cache.store` and the `log` stage's `result` skip it; its usage is read from its tail.
 */
export interface ForwardResult {
  readonly kind: 'forward';
  /** The upstream's content-length, when it sent one. */
  readonly length: number | undefined;
  /** The upstream's media type, for forwarded operations (audio); JSON when unset. */
  readonly type?: string | undefined;
  /** The body from its first byte. Throws a GatewayError if the upstream fails part-way; `return()` releases it. */
  readonly body: AsyncIterator<Buffer, undefined>;
  /**
   * Reads the usage as the answer passes (a natively relayed Messages or Responses answer, JSON
   * or event stream); unset, a JSON answer's usage is read from its tail, OpenAI-style.
   */
  readonly observer?: AnswerObserver | undefined;
}

/** What `cache.lookup` and `call` produce. */
export type CallResult = CompleteResult | StreamResult | ForwardResult;

export const completeResult = (body: JsonBody<FinalResult>): CompleteResult => ({ kind: 'complete', body });
export const streamResult = (events: AsyncIterable<StreamEvent>): StreamResult => ({ kind: 'stream', events });
export const forwardResult = (
  body: AsyncIterator<Buffer, undefined>,
  length: number | undefined,
  type?: string,
  observer?: AnswerObserver,
): ForwardResult => ({
  kind: 'forward',
  length,
  body,
  type,
  observer,
});
