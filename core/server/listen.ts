import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import type { ResolvedConfig } from '../config/load.ts';

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
  const http = createServer(typeof app === 'function' ? app : app.callback());
  http.requestTimeout = server.requestTimeoutMs;
  http.headersTimeout = Math.min(server.headersTimeoutMs, server.requestTimeoutMs || server.headersTimeoutMs);
  http.keepAliveTimeout = server.keepAliveTimeoutMs;

  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  // One listener for all requests (not a closure per request).
  const onResponseDone = (): void => {
    inFlight -= 1;
    if (inFlight === 0) onIdle?.();
  };
  http.on('request', (_req, res) => {
    inFlight += 1;
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
