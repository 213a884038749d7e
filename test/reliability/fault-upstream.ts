import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { answerText, faultIn, type Fault } from './faults.ts';
import type { Wire, WireRequest } from './wires.ts';

/**
 * A fault-injecting upstream speaking one wire format. The fault comes with each request, in the
 * model name the gateway sends (`rel--<fault>`, in the body or the URL); without one the answer
 * is correct. Every response it starts and every timer it sets is tracked, so the suite can check
 * that the gateway let go of each call (no upstream response left open) and that the mock itself
 * leaves nothing behind.
 */
export interface FaultServer {
  readonly url: string;
  readonly port: number;
  /** Requests received, by fault. */
  readonly received: Map<Fault, number>;
  /** Responses still open (of one fault, or all): the gateway has neither read them to the end nor closed the connection. */
  openResponses(fault?: Fault): number;
  /** Connections currently open (idle keep-alive ones included). */
  connections(): number;
  close(): Promise<void>;
}

/** Content events of a short correct stream, and of a huge one (≈ 2 KB each). */
const smallPieces = 6;
const hugePieces = 1_600;
/** Trickle: the body in this many writes, this far apart. */
const tricklePieces = 12;
const trickleGapMs = 25;

export async function startFaultServer(wire: Wire): Promise<FaultServer> {
  const received = new Map<Fault, number>();
  const open = new Map<ServerResponse, Fault>();
  const sockets = new Set<Socket>();

  const server: Server = createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      const req: WireRequest = { url: raw.url ?? '/', headers: raw.headers, json };
      const fault = faultIn(wire.modelText(req)) ?? 'ok';
      open.set(res, fault);
      res.on('close', () => open.delete(res));
      serve(wire, fault, req, raw, res, received);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    openResponses: (fault) => (fault === undefined ? open.size : [...open.values()].filter((f) => f === fault).length),
    connections: () => sockets.size,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A timer that dies with the response, so a hung or abandoned call leaves none behind. */
function later(res: ServerResponse, ms: number, fn: () => void): void {
  const timer = setTimeout(() => {
    res.off('close', cancel);
    if (!res.destroyed) fn();
  }, ms);
  const cancel = (): void => clearTimeout(timer);
  res.once('close', cancel);
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** Writes `bytes` in `n` pieces split at arbitrary byte offsets (inside characters and frames), `gapMs` apart. */
function trickle(res: ServerResponse, bytes: Buffer, n: number, gapMs: number): void {
  const step = Math.max(1, Math.floor(bytes.length / n)) + 1;
  let offset = 0;
  const next = (): void => {
    const end = Math.min(bytes.length, offset + step);
    const piece = bytes.subarray(offset, end);
    offset = end;
    if (offset >= bytes.length) return void res.end(piece);
    res.write(piece);
    later(res, gapMs, next);
  };
  next();
}

function serve(wire: Wire, fault: Fault, req: WireRequest, raw: IncomingMessage, res: ServerResponse, received: Map<Fault, number>): void {
  received.set(fault, (received.get(fault) ?? 0) + 1);
  const stream = wire.stream(req);
  const text = answerText(fault);
  const key = wire.credential(req);
  const jsonType = { 'content-type': 'application/json' };
  const streamHead = { 'content-type': wire.streamType, 'cache-control': 'no-cache' };
  const full = (): Buffer => (stream ? Buffer.concat(wire.stream_(text, fault === 'huge' ? hugePieces : smallPieces, true)) : Buffer.from(wire.answer(text)));
  const error = (status: number, message: string, retryAfterS?: number): void => {
    const e = wire.error(status, message, retryAfterS);
    send(res, status, e.headers, e.body);
  };

  switch (fault) {
    case 'ok':
    case 'huge':
      if (stream) {
        res.writeHead(200, streamHead);
        // One write per event, as providers send them.
        for (const event of wire.stream_(text, fault === 'huge' ? hugePieces : smallPieces, true)) res.write(event);
        return void res.end();
      }
      return send(res, 200, jsonType, full());
    case 'trickle':
      res.writeHead(200, stream ? streamHead : jsonType);
      return trickle(res, full(), tricklePieces, trickleGapMs);
    case 'refused':
      // Never reached: the deployment points at a closed port.
      return error(500, `fault server reached for 'refused' (misconfigured suite)`);
    case 'reset-before-body':
      return void raw.socket.destroy();
    case 'reset-mid-body':
    case 'hang-mid-body': {
      if (stream) {
        res.writeHead(200, streamHead);
        for (const event of wire.stream_(text, smallPieces, true).slice(0, 3)) res.write(event);
      } else {
        const body = full();
        res.writeHead(200, { ...jsonType, 'content-length': String(body.length) });
        res.write(body.subarray(0, body.length >> 1));
      }
      if (fault === 'reset-mid-body') later(res, 20, () => raw.socket.destroy());
      return;
    }
    case 'hang-before-headers':
      return;
    case 'status-429':
      return error(429, `Rate limit reached for requests made with key ${key}. Please try again in 1s.`, 1);
    case 'status-401':
      return error(401, `Incorrect API key provided: ${key}.`);
    case 'status-403':
      return error(403, `The key ${key} is not allowed to use this model.`);
    case 'status-500':
      return error(500, `The server had an error while processing your request (key ${key}).`);
    case 'status-503':
      return error(503, `The engine is currently overloaded (key ${key}), please try again later.`);
    case 'garbage': {
      const junk = Buffer.concat([Buffer.from('<<garbage>> '), Buffer.from([0, 0xff, 0xfe, 0x80]), Buffer.from(' not the wire format }{\n\n')]);
      if (!stream) return send(res, 200, jsonType, junk);
      // On SSE, an event whose data is not JSON; on an event stream, bytes that are no frame.
      return send(res, 200, streamHead, wire.id === 'bedrock' ? junk : Buffer.concat([Buffer.from('data: <html>oops</html>\n\n'), junk]));
    }
    case 'truncated-json': {
      if (!stream) {
        const body = full();
        return send(res, 200, jsonType, body.subarray(0, body.length >> 1));
      }
      const events = wire.stream_(text, smallPieces, true);
      return send(res, 200, streamHead, Buffer.concat([...events.slice(0, 2), wire.cutEvent(), ...events.slice(2)]));
    }
    case 'truncated-event': {
      // Cleanly ended inside the third event (a content event).
      const events = wire.stream_(text, smallPieces, true);
      const third = events[2] as Buffer;
      return send(res, 200, streamHead, Buffer.concat([...events.slice(0, 2), third.subarray(0, third.length >> 1)]));
    }
    case 'no-terminator':
      return send(res, 200, streamHead, Buffer.concat(wire.stream_(text, smallPieces, false)));
    case 'html-200':
      return send(
        res,
        200,
        { 'content-type': 'text/html; charset=utf-8' },
        `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>upstream said no to ${key}</p></body></html>`,
      );
    case 'json-error-200':
      return send(res, 200, jsonType, wire.error(500, `Something went wrong with key ${key}`).body);
  }
}
