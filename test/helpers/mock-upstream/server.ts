import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as the mock received it. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly json: unknown;
}

export type Handler = (req: RecordedRequest, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

/** A loopback HTTP server that records requests and can be told how to misbehave. */
export interface MockServer {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Requests whose client went away before the mock finished answering (an aborted upstream call). */
  readonly aborted: RecordedRequest[];
  /** The next `times` requests are answered by `handler` instead of the normal one. */
  override(handler: Handler, times?: number): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startMockServer(handle: Handler): Promise<MockServer> {
  const requests: RecordedRequest[] = [];
  const aborted: RecordedRequest[] = [];
  const overrides: { handler: Handler; times: number }[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body === '' ? undefined : JSON.parse(body);
      } catch {
        json = undefined;
      }
      const rec: RecordedRequest = { method: raw.method ?? 'GET', url: raw.url ?? '/', headers: raw.headers, body, json };
      requests.push(rec);
      res.on('close', () => {
        if (!res.writableFinished) aborted.push(rec);
      });
      const override = overrides[0];
      let handler = handle;
      if (override !== undefined) {
        handler = override.handler;
        if (--override.times === 0) overrides.shift();
      }
      Promise.resolve(handler(rec, res, raw)).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `mock failed: ${(err as Error).message}` } }));
      });
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
    requests,
    aborted,
    override(handler, times = 1) {
      overrides.push({ handler, times });
    },
    reset() {
      requests.length = 0;
      aborted.length = 0;
      overrides.length = 0;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Ready-made faults for `override`. */
export const faults = {
  status: (status: number, body: unknown, headers: Record<string, string> = {}): Handler => (_req, res) => sendJson(res, status, body, headers),
  /** Accepts the request and never answers. */
  hang: (): Handler => () => undefined,
  /** Drops the connection without a response. */
  reset: (): Handler => (_req, res) => {
    res.socket?.destroy();
  },
  /** 200 with a body that is not JSON. */
  garbage: (): Handler => (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('<html>bad gateway</html>');
  },
  delay: (ms: number, then: Handler): Handler => (req, res, raw) =>
    new Promise<void>((resolve) => setTimeout(() => resolve(then(req, res, raw)), ms)),
};

/** An OpenAI-shaped stream chunk carrying `text`, for stream faults. */
export function chunkOf(text: string, model = 'gpt-4o'): Record<string, unknown> {
  return {
    id: 'chatcmpl-fault',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta: { content: text }, finish_reason: null }],
  };
}

/** Stream faults: a 200 SSE answer that goes wrong part-way. */
export const streamFaults = {
  /** Sends these events, then drops the connection (a stream cut mid-way). */
  cut: (events: readonly unknown[]): Handler => (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const e of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
    setTimeout(() => res.socket?.destroy(), 20);
  },
  /** Sends these events, then falls silent without ending (an idle gap). */
  stall: (events: readonly unknown[]): Handler => (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const e of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
  },
  /** A 200 stream whose first event is an error object (OpenAI sends these on overload). */
  errorFirst: (message: string): Handler => (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(`data: ${JSON.stringify({ error: { message, type: 'server_error', code: null } })}\n\n`);
  },
  /** A stream whose events are not JSON. */
  garbage: (): Handler => (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end('data: <html>oops</html>\n\n');
  },
};
