import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';

/** One parsed server-sent event. `event` is undefined for plain `data:` events. */
export type SseMessage = EventSourceMessage;

/**
 * Parses an SSE byte stream into events. The one SSE parser of the project: adapters get
 * messages, never raw text. Multi-byte characters split across reads are decoded correctly.
 */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage, void, undefined> {
  const sse = new SseDecoder();
  for await (const bytes of body) yield* sse.feed(bytes);
  yield* sse.end();
}

const none: readonly SseMessage[] = Object.freeze([]);

/**
 * The framing behind `parseSse`, fed by hand: the core's stream readers loop over the upstream
 * body themselves and take the events of each read, one async layer fewer per event than
 * iterating `parseSse`.
 */
export class SseDecoder {
  readonly #decoder = new TextDecoder('utf-8');
  readonly #parser: EventSourceParser;
  #pending: SseMessage[] = [];

  constructor() {
    this.#parser = createParser({ onEvent: (message) => void this.#pending.push(message) });
  }

  /** The events completed by one read of the body. */
  feed(bytes: Uint8Array): readonly SseMessage[] {
    this.#parser.feed(this.#decoder.decode(bytes, { stream: true }));
    return this.#take();
  }

  /** The events left when the body ends. */
  end(): readonly SseMessage[] {
    this.#parser.feed(this.#decoder.decode());
    // A stream that ends without the blank line after its last event still delivers that event.
    this.#parser.feed('\n\n');
    return this.#take();
  }

  #take(): readonly SseMessage[] {
    const ready = this.#pending;
    if (ready.length === 0) return none;
    this.#pending = [];
    return ready;
  }
}

/** What a client receives, frame by frame. */
export const sseFrame = (data: string): string => `data: ${data}\n\n`;
export const sseDone = 'data: [DONE]\n\n';

/** Response headers of every event stream we send. */
export const sseHeaders: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  // Tells nginx-style proxies not to buffer the stream.
  'x-accel-buffering': 'no',
});
