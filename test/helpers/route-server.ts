import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { expect } from 'vitest';
import { GatewayError } from 'switchyard';
import type { UpstreamCall } from '../../core/http/upstream.ts';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface RouteServer {
  readonly origin: string;
  /** Paths whose response was torn down before it finished (the client went away), in order. */
  readonly closed: string[];
  /** An upstream call to `path` on this server; `extra` overrides any field. */
  call(path: string, extra?: Partial<UpstreamCall>): UpstreamCall;
  /** Destroys open sockets, then closes the server. */
  close(): Promise<void>;
}

/** A loopback upstream with one handler per path (404 otherwise), for the transport tests. */
export async function startRouteServer(routes: Readonly<Record<string, Route>>): Promise<RouteServer> {
  const sockets = new Set<Socket>();
  const closed: string[] = [];
  const server = createServer((req, res) => {
    res.on('close', () => {
      if (!res.writableFinished) closed.push(req.url ?? '');
    });
    (routes[req.url ?? ''] ?? ((_q, r) => r.writeHead(404).end()))(req, res);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    closed,
    call: (path, extra = {}) => ({
      provider: 'mock',
      url: `${origin}${path}`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      signal: new AbortController().signal,
      timeoutMs: 2000,
      ...extra,
    }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The GatewayError a promise rejects with (fails the test if it resolves or rejects otherwise). */
export async function gatewayFailure(promise: Promise<unknown>): Promise<GatewayError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayError);
  return err as GatewayError;
}
