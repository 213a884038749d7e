import { createServer, type RequestListener, type Server } from 'node:http';
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
  /** Stops accepting, lets in-flight requests and streams finish for up to `graceMs`, then cuts the rest. */
  drain(graceMs: number): Promise<void>;
}

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

  let inFlight = 0;
  let draining = false;
  let onIdle: (() => void) | undefined;
  // One listener for all requests (not a closure per request).
  const onResponseDone = (): void => {
    inFlight -= 1;
    if (inFlight === 0) onIdle?.();
  };
  http.on('request', (_req, res) => {
    inFlight += 1;
    // While draining, a keep-alive connection must not bring in another request.
    if (draining) res.shouldKeepAlive = false;
    res.once('close', onResponseDone);
  });

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
    inFlight: () => inFlight,
    async drain(graceMs: number): Promise<void> {
      draining = true;
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      if (inFlight > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => (onIdle = resolve)),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
        ]);
        clearTimeout(timer);
      }
      http.closeAllConnections();
      await closed;
    },
  };
}
