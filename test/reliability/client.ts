import { request, type IncomingHttpHeaders } from 'node:http';

/** One answer as a client saw it, read to the end. */
export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The socket failed before the answer was complete (a reset, or the client's own limit). */
  readonly failure: string | undefined;
}

export interface SendOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** The client gives up after this long (a hang is then reported, never waited out). */
  readonly limitMs?: number;
}

/**
 * Sends one request on a fresh connection (`agent: false`: closed after the answer, so the suite's
 * socket counts are the gateway's and the mocks', never a client pool's) and reads the answer whole.
 */
export function send(url: string, body: string | Buffer | undefined, options: SendOptions = {}): Promise<Answer> {
  return new Promise((resolve) => {
    let settled = false;
    const chunks: Buffer[] = [];
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    const done = (failure: string | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ status, headers, body: Buffer.concat(chunks), failure });
    };
    const req = request(url, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), agent: false, headers: options.headers }, (res) => {
      status = res.statusCode ?? 0;
      headers = res.headers;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(undefined));
      res.on('error', (err) => done(`response: ${err.message}`));
      res.on('aborted', () => done('response aborted'));
    });
    const timer = setTimeout(() => {
      done(`no complete answer within ${options.limitMs ?? 15_000} ms`);
      req.destroy();
    }, options.limitMs ?? 15_000);
    req.on('error', (err) => done(`request: ${err.message}`));
    req.end(body);
  });
}

/** The `data:` payloads of a server-sent event stream, in order. */
export function sseData(text: string): string[] {
  const out: string[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/).filter((l) => l.startsWith('data:'));
    if (lines.length > 0) out.push(lines.map((l) => l.slice(5).replace(/^ /, '')).join('\n'));
  }
  return out;
}

type Json = Record<string, unknown>;

/** What a client may be given: a correct answer, an error envelope, or a stream that ended with an error event. */
export type Verdict =
  | { readonly kind: 'answer' }
  | { readonly kind: 'envelope'; readonly status: number; readonly error: Json }
  | { readonly kind: 'stream-error'; readonly error: Json; readonly partial: string };

/** Throws unless `error` is OpenAI's error object: message, type, param, code. */
export function assertErrorObject(error: unknown, where: string): asserts error is Json {
  if (typeof error !== 'object' || error === null || Array.isArray(error)) throw new Error(`${where}: the error is not an object: ${JSON.stringify(error)}`);
  const e = error as Json;
  for (const field of ['message', 'type', 'param', 'code']) {
    if (!(field in e)) throw new Error(`${where}: the error object has no '${field}': ${JSON.stringify(e).slice(0, 300)}`);
  }
  if (typeof e.message !== 'string' || e.message === '') throw new Error(`${where}: error.message is not a non-empty string`);
  if (typeof e.type !== 'string' || e.type === '') throw new Error(`${where}: error.type is not a non-empty string`);
  if (e.param !== null && typeof e.param !== 'string') throw new Error(`${where}: error.param is neither null nor a string`);
  if (e.code !== null && typeof e.code !== 'string') throw new Error(`${where}: error.code is neither null nor a string`);
}

const preview = (b: Buffer): string => {
  const s = b.toString('utf8');
  return s.length > 400 ? `${s.slice(0, 400)}… (${b.length} bytes)` : s;
};

/** Reads a non-streamed answer: an OpenAI error envelope with a 4xx/5xx status, or throws. */
export function readEnvelope(a: Answer): Verdict & { kind: 'envelope' } {
  const where = `status ${a.status}`;
  if (a.status < 400 || a.status > 599) throw new Error(`${where}: expected a 4xx/5xx error, got ${preview(a.body)}`);
  if (!String(a.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new Error(`${where}: an error without a JSON content type (${String(a.headers['content-type'])}): ${preview(a.body)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(a.body.toString('utf8'));
  } catch {
    throw new Error(`${where}: a bare body, not an envelope: ${preview(a.body)}`);
  }
  const keys = typeof parsed === 'object' && parsed !== null ? Object.keys(parsed) : [];
  if (keys.length !== 1 || keys[0] !== 'error') throw new Error(`${where}: not an envelope: ${preview(a.body)}`);
  const error = (parsed as { error: unknown }).error;
  assertErrorObject(error, where);
  return { kind: 'envelope', status: a.status, error };
}

/**
 * Judges an answer to a chat request whose correct content is `expected`: a complete, correct
 * completion (streamed or not), an error envelope, or — once a stream started — a stream whose
 * content so far is a prefix of the answer and whose last event is an error (no `[DONE]`).
 * Anything else (a bare body, a 200 with the wrong content, a stream cut without an error
 * event, an error followed by more events) throws with the reason.
 */
export function judge(a: Answer, stream: boolean, expected: string): Verdict {
  if (a.failure !== undefined) throw new Error(`the client got no complete answer: ${a.failure} (status ${a.status}, ${preview(a.body)})`);
  if (a.status !== 200) return readEnvelope(a);
  if (!stream) {
    let body: Json;
    try {
      body = JSON.parse(a.body.toString('utf8')) as Json;
    } catch {
      throw new Error(`200 with a body that is not JSON: ${preview(a.body)}`);
    }
    if ('error' in body) throw new Error(`200 with an error body: ${preview(a.body)}`);
    const choice = (body.choices as Json[] | undefined)?.[0];
    const content = (choice?.message as Json | undefined)?.content;
    if (body.object !== 'chat.completion' || typeof content !== 'string') throw new Error(`200 that is not a chat completion: ${preview(a.body)}`);
    if (content !== expected) throw new Error(`200 with the wrong content (${content.length} chars, expected ${expected.length}): ${JSON.stringify(content.slice(0, 80))}`);
    if (choice?.finish_reason !== 'stop') throw new Error(`200 with finish_reason ${String(choice?.finish_reason)}`);
    return { kind: 'answer' };
  }
  if (!String(a.headers['content-type'] ?? '').startsWith('text/event-stream')) {
    throw new Error(`a 200 stream answer with content type ${String(a.headers['content-type'])}: ${preview(a.body)}`);
  }
  const data = sseData(a.body.toString('utf8'));
  let content = '';
  let finish: unknown = null;
  for (const [i, d] of data.entries()) {
    const last = i === data.length - 1;
    if (d === '[DONE]') {
      if (!last) throw new Error(`[DONE] is event ${i + 1} of ${data.length}`);
      if (content !== expected) {
        throw new Error(`a stream ended with [DONE] but its content is wrong (${content.length} chars, expected ${expected.length}): ${JSON.stringify(content.slice(0, 80))}`);
      }
      if (finish === null) throw new Error('a stream ended with [DONE] without any finish_reason');
      return { kind: 'answer' };
    }
    let event: Json;
    try {
      event = JSON.parse(d) as Json;
    } catch {
      throw new Error(`stream event ${i + 1} is not JSON: ${d.slice(0, 200)}`);
    }
    if ('error' in event) {
      if (!last) throw new Error(`the error event is followed by ${data.length - 1 - i} more event(s)`);
      assertErrorObject(event.error, 'the final error event');
      if (!expected.startsWith(content)) throw new Error(`before its error event the stream sent content that is not the answer's: ${JSON.stringify(content.slice(0, 80))}`);
      return { kind: 'stream-error', error: event.error, partial: content };
    }
    if (event.object !== 'chat.completion.chunk') throw new Error(`stream event ${i + 1} is not a chunk: ${d.slice(0, 200)}`);
    for (const c of (event.choices as Json[] | undefined) ?? []) {
      const piece = (c.delta as Json | undefined)?.content;
      if (typeof piece === 'string') content += piece;
      if (c.finish_reason !== null && c.finish_reason !== undefined) finish = c.finish_reason;
    }
  }
  throw new Error(`a stream that ended with neither [DONE] nor an error event (${data.length} events, ${content.length} chars of content)`);
}

/** Every secret found in an answer's headers or body. */
export function leaked(a: Answer, secrets: readonly string[]): string[] {
  const text = `${JSON.stringify(a.headers)}\n${a.body.toString('utf8')}`;
  return secrets.filter((s) => text.includes(s));
}
