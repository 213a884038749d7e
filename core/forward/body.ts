import { GatewayError } from '../errors.ts';
import type { ModelField } from './multipart-model.ts';
import type { RequestReader } from './request-reader.ts';

/** What one upstream attempt sends: the bytes (or a stream of them) and their length, if known. */
export interface ForwardPayload {
  readonly bytes: Buffer | string | AsyncIterable<Buffer>;
  readonly length: number | undefined;
}

/**
 * The client's body of a forwarded call, ready to send to any deployment with that deployment's
 * model name in it. `open` is called once per attempt.
 */
export interface ForwardBody {
  /** The client's `content-type`, sent upstream as it is (a multipart boundary must not change). */
  readonly contentType: string;
  /** Whether another attempt can send the body again (false once a streamed upload has begun). */
  readonly replayable: boolean;
  /** The body for one attempt, with `model` set to the deployment's. */
  open(model: string): ForwardPayload;
  /** Told of a failed attempt, so a later one that cannot resend the body answers with it. */
  failed(err: unknown): void;
  /** The request is over: stop reading what the client still sends. */
  close(): void;
}

/** A JSON body: the client's bytes when the model is unchanged, else the parsed object re-serialised. */
export class JsonForwardBody implements ForwardBody {
  readonly contentType = 'application/json';
  readonly replayable = true;
  readonly #bytes: Buffer;
  readonly #request: Readonly<Record<string, unknown>>;

  constructor(bytes: Buffer, request: Readonly<Record<string, unknown>>) {
    this.#bytes = bytes;
    this.#request = request;
  }

  open(model: string): ForwardPayload {
    if (this.#request.model === model) return { bytes: this.#bytes, length: this.#bytes.length };
    const text = JSON.stringify({ ...this.#request, model });
    return { bytes: text, length: Buffer.byteLength(text) };
  }

  failed(): void {}
  close(): void {}
}

export interface MultipartParts {
  readonly contentType: string;
  /** Every chunk read so far, the model field among them. */
  readonly head: readonly Buffer[];
  readonly field: ModelField;
  /** The rest of the body, still to be read; undefined when `head` is the whole body. */
  readonly rest: RequestReader | undefined;
  /** The client's `content-length`, if it sent one. */
  readonly declaredLength: number | undefined;
}

/**
 * A multipart upload: the chunks read while looking for `model`, with the model's value replaced,
 * then the rest as the client sends it. A body read whole (small, or `model` came after the file)
 * can be sent again; a streamed one only once: a later attempt answers with the first failure,
 * which no call strategy retries (it names no provider).
 */
export class MultipartForwardBody implements ForwardBody {
  readonly contentType: string;
  readonly #parts: MultipartParts;
  #opened = false;
  #failure: unknown = undefined;

  constructor(parts: MultipartParts) {
    this.contentType = parts.contentType;
    this.#parts = parts;
  }

  get replayable(): boolean {
    return this.#parts.rest === undefined || !this.#opened;
  }

  open(model: string): ForwardPayload {
    const { head, field, rest, declaredLength } = this.#parts;
    const name = Buffer.from(model);
    const chunks = [...sliceChunks(head, 0, field.start), name, ...sliceChunks(head, field.end, Infinity)];
    const delta = name.length - (field.end - field.start);
    if (rest === undefined) {
      const whole = Buffer.concat(chunks);
      return { bytes: whole, length: whole.length };
    }
    if (this.#opened) throw notReplayable(this.#failure);
    this.#opened = true;
    return { bytes: streamed(chunks, rest), length: declaredLength === undefined ? undefined : declaredLength + delta };
  }

  failed(err: unknown): void {
    this.#failure ??= err;
  }

  close(): void {
    this.#parts.rest?.stop();
  }
}

async function* streamed(chunks: readonly Buffer[], rest: RequestReader): AsyncGenerator<Buffer> {
  for (const chunk of chunks) yield chunk;
  for (;;) {
    const chunk = await rest.next();
    if (chunk === undefined) return;
    yield chunk;
  }
}

/** The bytes `[from, to)` of a list of chunks, as views (no copy). */
export function sliceChunks(chunks: readonly Buffer[], from: number, to: number): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const chunk of chunks) {
    const start = Math.max(from - at, 0);
    const end = Math.min(to - at, chunk.length);
    if (end > start) out.push(start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end));
    at += chunk.length;
    if (at >= to) break;
  }
  return out;
}

/**
 * A second attempt with an upload already streamed to the first: the first failure as the answer,
 * without its provider, so call strategies neither retry it nor cool another deployment for it.
 */
function notReplayable(first: unknown): GatewayError {
  if (first instanceof GatewayError) {
    const { provider: _provider, ...extra } = first.extra;
    return new GatewayError(first.status, first.type, first.message, { ...extra, cause: first });
  }
  return new GatewayError(502, 'api_error', 'the upload was streamed to a deployment that failed, and cannot be sent again', {
    code: 'upload_not_replayable',
  });
}
