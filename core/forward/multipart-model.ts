import { invalidParam, invalidRequest, type GatewayError } from '../errors.ts';

/** Where the `model` field's value sits in a multipart body, by absolute byte offsets. */
export interface ModelField {
  readonly value: string;
  /** Offset of the value's first byte. */
  readonly start: number;
  /** Offset just past the value's last byte (where `\r\n--boundary` begins). */
  readonly end: number;
}

/** Longest part header block read (`Content-Disposition`, `Content-Type`). */
const maxHeaderBytes = 16 * 1024;
/** Longest model name read; a real one is far shorter. */
const maxModelBytes = 1024;

const crlf2 = Buffer.from('\r\n\r\n');
const empty = Buffer.alloc(0);

type State = 'preamble' | 'after-delimiter' | 'headers' | 'skip' | 'model' | 'closed';

/**
 * The multipart boundary of a `multipart/form-data` content type, or a 400. RFC 2046: 1–70
 * characters, quoted or not.
 */
export function multipartBoundary(contentType: string | undefined): string {
  const type = contentType ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type)) throw invalidRequest('this route takes a multipart/form-data body', undefined, 'invalid_content_type');
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(type);
  const boundary = match?.[1] ?? match?.[2];
  if (boundary === undefined) throw invalidRequest('the multipart content type has no boundary', undefined, 'invalid_content_type');
  return boundary;
}

/**
 * Finds the `model` field of a multipart body fed chunk by chunk, without holding more than the
 * part it is reading: the bytes of other parts (the uploaded file) are only counted, so the
 * caller, which keeps the chunks, can forward them. `feed` returns the field once its value is
 * complete; `end` says the body ended without one (400). Malformed bodies are a 400.
 */
export class MultipartModelScanner {
  readonly #delimiter: Buffer;
  /** `\r\n--boundary`: what ends every part's content. */
  readonly #partEnd: Buffer;
  #state: State = 'preamble';
  /** Bytes not yet consumed by the state machine, and the absolute offset of its first byte. */
  #window: Buffer = empty;
  #windowAt = 0;

  constructor(boundary: string) {
    this.#delimiter = Buffer.from(`--${boundary}`);
    this.#partEnd = Buffer.from(`\r\n--${boundary}`);
  }

  feed(chunk: Buffer): ModelField | undefined {
    this.#window = this.#window.length === 0 ? chunk : Buffer.concat([this.#window, chunk]);
    for (;;) {
      const step = this.#step();
      if (step === 'more') return undefined;
      if (step !== 'next') return step;
    }
  }

  /** The body ended without the model field: the error to answer (a 400). */
  end(): GatewayError {
    if (this.#state === 'preamble' || this.#state === 'headers' || this.#state === 'after-delimiter') {
      return invalidRequest('the multipart body ended before its parts did', undefined, 'invalid_multipart');
    }
    return invalidParam('model', "the multipart body has no 'model' field");
  }

  /** Moves the window's start `n` bytes on. */
  #consume(n: number): void {
    this.#window = this.#window.subarray(n);
    this.#windowAt += n;
  }

  /** Keeps only the last `n` bytes (a delimiter may straddle the next chunk). */
  #keepTail(n: number): void {
    if (this.#window.length > n) this.#consume(this.#window.length - n);
  }

  #step(): ModelField | 'more' | 'next' {
    const w = this.#window;
    switch (this.#state) {
      case 'preamble': {
        const at = w.indexOf(this.#delimiter);
        if (at === -1) {
          this.#keepTail(this.#delimiter.length - 1);
          return 'more';
        }
        this.#consume(at + this.#delimiter.length);
        this.#state = 'after-delimiter';
        return 'next';
      }
      case 'after-delimiter': {
        if (w.length < 2) return 'more';
        if (w[0] === 0x2d && w[1] === 0x2d) {
          this.#state = 'closed';
          return 'next';
        }
        if (w[0] !== 0x0d || w[1] !== 0x0a) throw invalidRequest('malformed multipart body: no line break after a boundary', undefined, 'invalid_multipart');
        this.#consume(2);
        this.#state = 'headers';
        return 'next';
      }
      case 'headers': {
        const at = w.indexOf(crlf2);
        if (at === -1) {
          if (w.length > maxHeaderBytes) throw invalidRequest('malformed multipart body: a part header is too long', undefined, 'invalid_multipart');
          return 'more';
        }
        const name = partName(w.subarray(0, at).toString('latin1'));
        this.#consume(at + crlf2.length);
        this.#state = name === 'model' ? 'model' : 'skip';
        return 'next';
      }
      case 'skip':
      case 'model': {
        const at = w.indexOf(this.#partEnd);
        if (at === -1) {
          if (this.#state === 'model') {
            if (w.length > maxModelBytes + this.#partEnd.length) throw invalidParam('model', "the multipart 'model' field is too long");
          } else {
            this.#keepTail(this.#partEnd.length - 1);
          }
          return 'more';
        }
        if (this.#state === 'model') {
          return { value: w.subarray(0, at).toString('utf8'), start: this.#windowAt, end: this.#windowAt + at };
        }
        this.#consume(at + this.#partEnd.length);
        this.#state = 'after-delimiter';
        return 'next';
      }
      case 'closed':
        this.#window = empty;
        return 'more';
    }
  }
}

/** The `name` of a part, from its `Content-Disposition: form-data; name="…"` header. */
function partName(headers: string): string | undefined {
  for (const line of headers.split('\r\n')) {
    if (!/^content-disposition\s*:/i.test(line)) continue;
    const match = /;\s*name="([^"]*)"/i.exec(line) ?? /;\s*name=([^\s;]+)/i.exec(line);
    return match?.[1];
  }
  return undefined;
}
