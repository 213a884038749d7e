import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { GatewayApi, RouteAuth } from 'switchyard';

export const metricsPath = '/metrics';

/** `GET /metrics` on the gateway's own port, behind the master key unless `auth` is `none`. */
export function mountMetricsRoute(gateway: GatewayApi, registry: Registry, auth: RouteAuth): void {
  gateway.route({
    method: 'GET',
    path: metricsPath,
    auth,
    summary: 'Prometheus metrics (text format)',
    tag: 'operations',
    handle: async () => ({ body: await registry.metrics(), type: registry.contentType }),
  });
}

/**
 * `GET /metrics` on a port of its own (no auth: reach it over a network only Prometheus sees),
 * closed with the gateway. Resolves once it listens, with the address it took.
 */
export async function serveMetricsPort(gateway: GatewayApi, registry: Registry, port: number, host: string): Promise<AddressInfo> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== metricsPath || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'content-length': String(Buffer.byteLength(text)) });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        gateway.log.error({ err }, 'metrics: collecting failed');
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  gateway.onClose(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  const address = server.address() as AddressInfo;
  gateway.log.info({ host: address.address, port: address.port }, 'metrics served on their own port');
  return address;
}
