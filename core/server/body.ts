import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyTooLarge, clientClosed, type GatewayError } from '../errors.ts';

/**
 * How much of a refused body is still read (and thrown away) after the 413 is written. A client
 * that is still sending when we close gets a TCP reset, and a reset discards the answer it has
 * not read yet: so the rest of an over-limit body is drained, up to this bound, before the
 * connection is closed. Past it the client is cut off (it is sending far more than allowed).
 */
export const refusedBodyDrainBytes = 8 * 1024 * 1024;

/** Per-read state, kept on the request so the listeners below are shared, not made per call. */
interface Reading {
  first: Buffer | undefined;
  parts: Buffer[] | undefined;
  size: number;
  readonly limit: number;
  resolve: ((bytes: Buffer) => void) | undefined;
  reject: ((err: Error) => void) | undefined;
  /** Bytes thrown away since the body was refused; undefined while it is being read. */
  discarded: number | undefined;
}

const reading = Symbol('switchyard.requestBody');
type ReadRequest = IncomingMessage & { [reading]?: Reading | undefined };
const empty = Buffer.alloc(0);

/**
 * The request body's bytes, refusing more than `limit` (413): early from `content-length`, or as
 * soon as the count passes it; the rest is then drained (see `refusedBodyDrainBytes`). Kept as
 * bytes so an unchanged request can be forwarded as it came. A client that goes away mid-upload
 * is a 499 (`clientClosed`), not a gateway failure. Listeners are module functions, as in
 * `core/http/collect.ts`: no closures per request.
 */
export function readBodyBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    if (req.readableEnded) return resolve(empty);
    if (req.destroyed) return reject(clientClosed());
    const s: Reading = { first: undefined, parts: undefined, size: 0, limit, resolve, reject, discarded: undefined };
    (req as ReadRequest)[reading] = s;
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) refuse(s);
  });
}

/** Gives the caller its 413 and switches the read to draining. */
function refuse(s: Reading): void {
  const reject = s.reject;
  s.first = s.parts = s.resolve = s.reject = undefined;
  s.discarded = 0;
  reject?.(bodyTooLarge(s.limit));
}

function detach(req: ReadRequest): void {
  req[reading] = undefined;
  req.off('data', onData);
  req.off('end', onEnd);
  req.off('error', onError);
  req.off('close', onClose);
}

function onData(this: ReadRequest, chunk: Buffer): void {
  const s = this[reading];
  if (s === undefined) return;
  if (s.discarded !== undefined) {
    s.discarded += chunk.length;
    if (s.discarded > refusedBodyDrainBytes) {
      detach(this);
      this.destroy();
    }
    return;
  }
  s.size += chunk.length;
  if (s.size > s.limit) return refuse(s);
  if (s.first === undefined) s.first = chunk;
  else (s.parts ??= [s.first]).push(chunk);
}

function onEnd(this: ReadRequest): void {
  const s = this[reading];
  if (s === undefined) return;
  detach(this);
  s.resolve?.(s.parts !== undefined ? Buffer.concat(s.parts, s.size) : (s.first ?? empty));
}

/** The client reset or closed the connection before the body's end. */
function onError(this: ReadRequest, err: Error): void {
  const s = this[reading];
  if (s === undefined) return;
  detach(this);
  s.reject?.(clientClosed(err));
}

function onClose(this: ReadRequest): void {
  const s = this[reading];
  if (s === undefined) return;
  detach(this);
  s.reject?.(clientClosed());
}

/**
 * Ends a read still waiting for the body with `error`: the request has been answered from
 * below (Node's request timeout), and no 'end' or 'close' may ever come for it, since Node
 * forgets a request once its response has finished.
 */
export function stopReading(req: IncomingMessage, error: GatewayError): void {
  const s = (req as ReadRequest)[reading];
  if (s === undefined) return;
  detach(req as ReadRequest);
  s.reject?.(error);
}

/**
 * Ends an answer to a request whose body may still be arriving (a 413): at once if the body has
 * been read, else once it has been drained (or the drain gave up and destroyed the socket). The
 * answer itself has been written already, so the client can read it while it is still sending.
 */
export function endAfterBody(res: ServerResponse): void {
  const req = res.req;
  if (req.readableEnded || req.destroyed) {
    res.end();
    return;
  }
  // A refusal path, not the hot path: one closure is fine here.
  req.once('end', () => res.end());
  // Nobody reads a body refused from its content-length before the read began: drain it here.
  if ((req as ReadRequest)[reading] === undefined && req.readableFlowing !== true) req.resume();
}
