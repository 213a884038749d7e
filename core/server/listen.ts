import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import type { ResolvedConfig } from '../config/load.ts';
import { onClientError } from './client-error.ts';

export interface Listening {
  readonly server: Server;
  readonly port: number;
  readonly host: string;
  /** Requests being served right now. */
  inFlight(): number;
  /**
   * Drains: keeps accepting connections (health checks get answers; the app refuses new model
   * calls) while in-flight requests and streams finish, for up to `graceMs`; then hands each
   * request still open to `cut` (which makes it answer: 503, or a final error event), waits a
   * moment for those answers, stops listening and closes what is left.
   */
  drain(graceMs: number, cut: (res: ServerResponse) => void): Promise<void>;
  /** Cuts every open request now (a second signal); a drain in progress then ends at once. */
  cutAll(cut: (res: ServerResponse) => void): void;
}

/** How long requests that were cut get to write their 503 or final event before their sockets close. */
const cutAnswerMs = 1_000;

/** Starts the HTTP server with timeouts set against slow clients. */
export async function listen(
  app: Koa | RequestListener,
  server: ResolvedConfig['server'],
  port: number,
  host: string,
): Promise<Listening> {
  // Node checks the header and request timeouts on this interval (30 s by default), so a slow
  // client could outlive its timeout by that much; check at least every second or so.
  const connectionsCheckingInterval = Math.max(100, Math.min(1000, Math.floor(server.headersTimeoutMs / 2)));
  const http = createServer({ connectionsCheckingInterval }, typeof app === 'function' ? app : app.callback());
  http.requestTimeout = server.requestTimeoutMs;
  http.headersTimeout = Math.min(server.headersTimeoutMs, server.requestTimeoutMs || server.headersTimeoutMs);
  http.keepAliveTimeout = server.keepAliveTimeoutMs;
  // Node's own refusals (431, 408, 400) are bare status lines; ours carry the envelope.
  http.on('clientError', onClientError);

  // Open responses, so a drain can cut the ones still open when its grace period ends.
  const open = new Set<ServerResponse>();
  let draining = false;
  let idle: (() => void)[] = [];
  // One listener for all requests (not a closure per request).
  function onResponseDone(this: ServerResponse): void {
    open.delete(this);
    if (open.size === 0 && idle.length > 0) {
      for (const resolve of idle) resolve();
      idle = [];
    }
  }
  http.on('request', (_req, res) => {
    open.add(res);
    // While draining, a keep-alive connection must not bring in another request.
    if (draining) res.shouldKeepAlive = false;
    res.once('close', onResponseDone);
  });
  /** Resolves when nothing is open, or after `ms`. */
  const settled = async (ms: number): Promise<void> => {
    if (open.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => idle.push(resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
    ]);
    clearTimeout(timer);
  };
  const cutOpen = (cut: (res: ServerResponse) => void): void => {
    for (const res of open) {
      if (!res.headersSent) res.shouldKeepAlive = false;
      cut(res);
    }
  };

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;

  return {
    server: http,
    port: address.port,
    host,
    inFlight: () => open.size,
    async drain(graceMs, cut): Promise<void> {
      draining = true;
      // Connections already open must not bring in another request once their answer is sent.
      for (const res of open) if (!res.headersSent) res.shouldKeepAlive = false;
      http.closeIdleConnections();
      await settled(graceMs);
      if (open.size > 0) {
        cutOpen(cut);
        await settled(cutAnswerMs);
      }
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    },
    cutAll(cut): void {
      draining = true;
      cutOpen(cut);
    },
  };
}
