import { EventStreamCodec, type Message } from '@smithy/eventstream-codec';
import { upstreamInvalid, type DecodedEvent } from 'switchyard';
import type { StreamException } from './wire.ts';

const toUtf8 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
const fromUtf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');

/** Prelude (total length, headers length, prelude CRC) plus the message CRC. */
const overhead = 16;
const maxFrame = 16 * 1024 * 1024;

/**
 * Splits a byte stream into whole event-stream frames. Each frame starts with its total length
 * (big-endian uint32); a frame may span many network reads, and a read may hold many frames.
 */
async function* frames(body: AsyncIterable<Uint8Array>, provider: string): AsyncGenerator<Uint8Array> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of body) {
    pending = pending.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([pending, chunk]);
    let offset = 0;
    while (pending.length - offset >= 4) {
      const length = pending.readUInt32BE(offset);
      if (length < overhead || length > maxFrame) throw upstreamInvalid(provider, `event-stream frame of ${length} bytes`);
      if (pending.length - offset < length) break;
      yield pending.subarray(offset, offset + length);
      offset += length;
    }
    pending = offset === pending.length ? Buffer.alloc(0) : pending.subarray(offset);
  }
  if (pending.length > 0) throw upstreamInvalid(provider, 'event stream ended inside a frame');
}

function header(message: Message, name: string): string | undefined {
  const h = message.headers[name];
  return h?.type === 'string' ? h.value : undefined;
}

/**
 * Decodes Bedrock's `application/vnd.amazon.eventstream` body (CRCs checked by the codec) into
 * events: `{ name: 'event', data: { [eventType]: payload } }`, the shape of the SDK's
 * `ConverseStreamOutput`, or `{ name: 'exception', data: StreamException }` for an exception
 * (`:message-type: exception`) or an unmodelled error (`:message-type: error`) frame.
 */
export async function* decodeEventStream(body: AsyncIterable<Uint8Array>, provider: string): AsyncGenerator<DecodedEvent> {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  for await (const frame of frames(body, provider)) {
    let message: Message;
    try {
      message = codec.decode(frame);
    } catch (err) {
      throw upstreamInvalid(provider, `bad event-stream frame (${(err as Error).message})`);
    }
    const kind = header(message, ':message-type');
    if (kind === 'error') {
      const data: StreamException = { type: header(message, ':error-code') ?? 'UnknownError', message: header(message, ':error-message') ?? '' };
      yield { name: 'exception', data };
      continue;
    }
    const payload = parsePayload(message.body, provider);
    if (kind === 'exception') {
      const text = (payload as { message?: unknown; Message?: unknown } | undefined) ?? {};
      const msg = typeof text.message === 'string' ? text.message : typeof text.Message === 'string' ? text.Message : '';
      const data: StreamException = { type: header(message, ':exception-type') ?? 'UnknownException', message: msg };
      yield { name: 'exception', data };
      continue;
    }
    const type = header(message, ':event-type');
    if (kind !== 'event' || type === undefined) throw upstreamInvalid(provider, `unexpected event-stream message type '${String(kind)}'`);
    yield { name: 'event', data: { [type]: payload } };
  }
}

function parsePayload(body: Uint8Array, provider: string): unknown {
  if (body.byteLength === 0) return {};
  try {
    return JSON.parse(toUtf8(body)) as unknown;
  } catch {
    throw upstreamInvalid(provider, 'event payload is not JSON');
  }
}
