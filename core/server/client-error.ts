import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { GatewayError } from '../errors.ts';
import { stopReading } from './body.ts';
import { requestIdFrom } from './request-id.ts';
import { writeError } from './respond.ts';

/**
 * How long a refused connection stays open after its answer, still reading. A client that is
 * still sending (an oversized head) when we close gets a TCP reset, and the reset discards the
 * answer it has not read yet; so we half-close, keep reading what comes, and destroy the socket
 * after this grace.
 */
export const refusalLingerMs = 2_000;

/** Node's reasons for refusing a connection before the application sees a request, as envelopes. */
function refusalFor(code: string | undefined): GatewayError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new GatewayError(431, 'invalid_request_error', 'request headers are too large', { code: 'request_headers_too_large' });
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new GatewayError(413, 'invalid_request_error', 'chunk extensions are too large', { code: 'request_too_large' });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new GatewayError(408, 'invalid_request_error', 'the request was not received in time', { code: 'request_timeout' });
    default:
      return new GatewayError(400, 'invalid_request_error', 'malformed HTTP request', { code: 'bad_request' });
  }
}

/** The response, if any, the socket is serving (Node's own `clientError` default reads this too). */
type ServerSocket = Socket & { _httpMessage?: ServerResponse | null };

const answered = new WeakSet<Duplex>();

/**
 * The server's `clientError` listener: Node's refusals (oversized head 431, slow client 408,
 * malformed request 400) as OpenAI envelopes instead of bare status lines. A failed parser
 * reports every later chunk again: each socket is answered once.
 */
export function onClientError(err: Error & { code?: string }, duplex: Duplex): void {
  if (answered.has(duplex)) return;
  answered.add(duplex);
  // An http.Server's connections are net.Sockets (the listener's type says Duplex for TLS and others).
  const socket = duplex as ServerSocket;
  const inFlight = socket._httpMessage ?? undefined;
  if (err.code === 'ECONNRESET' || err.code === 'HPE_INVALID_EOF_STATE' || !socket.writable || inFlight?.headersSent === true) {
    // Gone (reset, or closed mid-request), or an answer is already on the wire: nothing more can
    // be said on this connection. A request being read then fails as a 499 (client closed).
    socket.destroy();
    return;
  }
  const refusal = refusalFor(err.code);
  if (inFlight !== undefined) {
    // A request is being served (its body came too slowly): answer it through its response.
    inFlight.shouldKeepAlive = false;
    writeError(undefined, inFlight, refusal, requestIdFrom(inFlight.req.headers));
    stopReading(inFlight.req, refusal);
    return;
  }
  const body = JSON.stringify(refusal.toBody());
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? 'Error'}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `x-request-id: ${randomUUID()}\r\nconnection: close\r\n\r\n${body}`,
  );
  socket.setTimeout(refusalLingerMs);
  socket.once('timeout', destroySocket);
}

function destroySocket(this: Socket): void {
  this.destroy();
}
