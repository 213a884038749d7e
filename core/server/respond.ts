import type { ServerResponse } from 'node:http';
import type { RequestContext } from '../context.ts';
import { clientClosed, GatewayError, serverShuttingDown, toGatewayError } from '../errors.ts';
import type { ChatCompletionChunk, StreamChunk } from '../openai/types.ts';
import { StreamEvent } from '../result.ts';
import { sseDone, sseFrame, sseHeaders } from '../stream/sse.ts';
import { endAfterBody } from './body.ts';
import { cutByShutdown } from './cut.ts';
import { headerValue, isHeaderName } from './header-value.ts';
import type { ErrorEnvelope } from './plugin-routes.ts';

const jsonType = 'application/json';
/** sseHeaders as a flat list, copied per stream (callHeaders appends to it). */
const sseHeaderList: readonly string[] = Object.entries(sseHeaders).flat();

/**
 * Headers of every model-call response — who answered, after how many tries, cache status, and
 * what plugins set — appended to `headers`, the flat `[name, value, …]` list `writeHead` takes
 * (Node walks it as is; an object would be built, then walked with `for…in`).
 */
export function callHeaders(ctx: RequestContext, headers: string[]): string[] {
  // The request id is a checked token or a UUID (request-id.ts); provider and model may come from
  // the client's `model` (`provider/<anything>`), plugin headers from anywhere: made safe to send.
  headers.push('x-request-id', ctx.id);
  const d = ctx.deployment;
  if (d !== undefined) headers.push('x-switchyard-provider', headerValue(d.provider), 'x-switchyard-model', headerValue(d.model));
  if (ctx.attempts.length > 0) headers.push('x-switchyard-attempts', String(ctx.attempts.length));
  if (ctx.cacheStatus !== undefined) headers.push('x-switchyard-cache', ctx.cacheStatus);
  // Ours end here. Every name so far is a lower-case literal of this module or its callers.
  const ours = headers.length;
  for (const name in ctx.responseHeaders) {
    if (isHeaderName(name)) setHeader(headers, ours, name, headerValue(String(ctx.responseHeaders[name])));
  }
  return headers;
}

/**
 * A plugin's header replaces one of ours of the same name (never sent twice). Only ours are
 * searched, and as they are (lower case): a team gateway's plugins set seven headers a call
 * (rate limits, cost), and lower-casing every name for each was a measurable part of the call.
 */
function setHeader(headers: string[], ours: number, name: string, value: string): void {
  const lower = name.toLowerCase();
  for (let i = 0; i < ours; i += 2) {
    if (headers[i] === lower) {
      headers[i + 1] = value;
      return;
    }
  }
  headers.push(name, value);
}

/**
 * A JSON answer with its length: `writeHead` fixes the headers at once, so without
 * `content-length` Node would send the body chunked (size line, body, terminator: more to write,
 * and more for the client to parse).
 */
export function writeJson(ctx: RequestContext, res: ServerResponse, body: string | Buffer): void {
  res.writeHead(200, callHeaders(ctx, ['content-type', jsonType, 'content-length', String(byteLength(body))]));
  res.end(body);
}

const byteLength = (body: string | Buffer): number => (typeof body === 'string' ? Buffer.byteLength(body) : body.length);

/**
 * Sends an error the only way still possible: the JSON envelope with its status, or, once a
 * stream has started, a final `data: {"error":…}` event. Nothing is written to a closed socket.
 * Never throws: it is what every failure ends in, and a throw here used to escape the request
 * handler and end the process. If even the plain envelope cannot be written, the socket is
 * destroyed (the client sees a reset, every other client is still served).
 */
export function writeError(ctx: RequestContext | undefined, res: ServerResponse, error: GatewayError, requestId: string, envelope?: ErrorEnvelope): void {
  if (res.destroyed || res.writableEnded) return;
  const inbound = ctx?.inbound;
  // Another API format (an inbound format, or a plugin route's own) has its own envelope.
  const format = inbound?.errors ?? envelope;
  let status: number = error.status;
  let body: string;
  try {
    if (format === undefined) body = JSON.stringify(error.toBody());
    else {
      // A started stream in another format ends with that format's own last frames.
      if (res.headersSent && ctx?.encoder !== undefined) {
        res.end(ctx.encoder.fail(error));
        return;
      }
      const answer = format(error);
      status = answer.status;
      body = JSON.stringify(answer.body);
    }
  } catch {
    body = JSON.stringify(error.toBody());
  }
  try {
    if (res.headersSent) {
      res.end(sseFrame(body));
      return;
    }
    const headers = errorHeaders(error, body);
    if (ctx === undefined) headers.push('x-request-id', requestId);
    else callHeaders(ctx, headers);
    sendError(res, status, headers, body);
  } catch {
    retryPlain(res, error, body, requestId);
  }
}

/** The envelope without the call's headers (who answered, plugins'): the last try before a reset. */
function retryPlain(res: ServerResponse, error: GatewayError, body: string, requestId: string): void {
  try {
    if (res.headersSent) throw new Error('headers already sent');
    const headers = errorHeaders(error, body);
    headers.push('x-request-id', requestId);
    sendError(res, error.status, headers, body);
  } catch {
    res.destroy();
  }
}

function errorHeaders(error: GatewayError, body: string): string[] {
  const headers = ['content-type', jsonType, 'content-length', String(Buffer.byteLength(body))];
  if (error.extra.retryAfterS !== undefined) headers.push('retry-after', String(error.extra.retryAfterS));
  // A refused body may still be arriving, or the gateway is going away: this connection reads
  // no further request.
  if (error.status === 413 || error.extra.code === 'server_shutting_down') headers.push('connection', 'close');
  return headers;
}

function sendError(res: ServerResponse, status: number, headers: string[], body: string): void {
  res.writeHead(status, headers);
  if (status !== 413) {
    res.end(body);
    return;
  }
  // Written now, so the client can read it while still sending; the connection is closed only
  // once the rest of the body is drained, or a reset would discard the answer (body.ts).
  res.write(body);
  endAfterBody(res);
}

/** Fires for each chunk the client is sent; the pipeline assembles the stream with it. */
export type ChunkObserver = (chunk: StreamChunk) => void;
export type ChunkTransform = (chunk: StreamChunk, ctx: RequestContext) => StreamChunk;

/**
 * Writes a stream as server-sent events, honouring backpressure, and ends it with `[DONE]`.
 * A failure mid-stream becomes a final error event. Returns the error, if any.
 */
export async function writeStream(
  ctx: RequestContext,
  res: ServerResponse,
  events: AsyncIterable<StreamEvent>,
  observe: ChunkObserver,
  transform: ChunkTransform | undefined,
): Promise<GatewayError | undefined> {
  const iterator = events[Symbol.asyncIterator]();
  const encoder = ctx.encoder;
  try {
    // Inside the try: if the head cannot be written, the upstream stream is still stopped.
    res.writeHead(200, callHeaders(ctx, sseHeaderList.slice()));
    if (encoder !== undefined) {
      const head = encoder.start();
      if (head !== '') res.write(head);
    }
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      let event = next.value;
      if (transform !== undefined) {
        const changed = transform(event.chunk, ctx);
        if (changed !== event.chunk) event = StreamEvent.of(changed);
      }
      observe(event.chunk);
      // The usage-only chunk the gateway asked for on its own behalf: read, not sent.
      if (ctx.hideUsageChunk && event.chunk.choices.length === 0 && event.chunk.usage != null) continue;
      ctx.timings.firstByte ??= performance.now();
      const frame = encoder === undefined ? sseFrame(event.data) : encoder.chunk(event.chunk as ChatCompletionChunk);
      if (frame !== '' && !res.write(frame)) await drained(res);
      if (res.destroyed) throw clientClosed();
    }
    // Awaited before anything is written: a format may finish its own work first (see StreamEncoder.end).
    res.end(encoder === undefined ? sseDone : await encoder.end());
    return undefined;
  } catch (err) {
    // Stop the upstream before anything else; `return()` on a finished iterator is harmless.
    void iterator.return?.()?.catch(() => undefined);
    // Cut by the shutdown, the client is still there and gets a final `server_shutting_down` event.
    const error = res.destroyed ? clientClosed() : cutByShutdown(ctx.signal) ? serverShuttingDown() : ctx.signal.aborted ? clientClosed() : toGatewayError(err);
    writeError(ctx, res, error, ctx.id);
    if (!(err instanceof GatewayError)) ctx.log.error({ err }, 'stream failed in the gateway');
    return error;
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
