import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One parsed server-sent event. `event` is undefined for plain `data:` events. */
export type SseMessage = EventSourceMessage;

/**
 * Parses an SSE byte stream into events. The one SSE parser of the project: adapters get
 * messages, never raw text. Multi-byte characters split across reads are decoded correctly.
 */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage, void, undefined> {
  const decoder = new TextDecoder('utf-8');
  let pending: SseMessage[] = [];
  const parser = createParser({ onEvent: (message) => void pending.push(message) });
  for await (const bytes of body) {
    parser.feed(decoder.decode(bytes, { stream: true }));
    if (pending.length === 0) continue;
    const ready = pending;
    pending = [];
    yield* ready;
  }
  parser.feed(decoder.decode());
  // A stream that ends without the blank line after its last event still delivers that event.
  parser.feed('\n\n');
  yield* pending;
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
