import { readFileSync } from 'node:fs';
import type { GatewayConfig } from './config/define.ts';
import { resolveConfig, type ResolvedConfig } from './config/load.ts';
import { Gateway } from './gateway.ts';
import { closeUpstreamAgent } from './http/upstream.ts';
import { createRootLogger, type Logger } from './log.ts';
import { Pipeline } from './pipeline.ts';
import { createRequestListener } from './server/app.ts';
import { createCors } from './server/cors.ts';
import { listen } from './server/listen.ts';
import { ModelCatalog } from './server/model-catalog.ts';

export interface StartOptions {
  /** Overrides `server.port` (0 picks a free port). */
  readonly port?: number;
  readonly host?: string;
  readonly log?: Logger;
  /** Folder that relative plugin specifiers resolve against (the config file's). */
  readonly baseDir?: string;
}

/** A gateway that is listening. */
export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly gateway: Gateway;
  /** Graceful stop: no new requests, in-flight ones finish (up to the grace period), plugins close. */
  close(graceMs?: number): Promise<void>;
}

const loopback = '127.0.0.1';
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Validates a config, sets up its plugins and starts serving.
 *
 * @example
 * const running = await startGateway(defineConfig({ plugins: [openai({ apiKey })] }), { port: 0 });
 * // … point an OpenAI client at running.url …
 * await running.close();
 */
export async function startGateway(config: GatewayConfig, options: StartOptions = {}): Promise<RunningGateway> {
  const resolved: ResolvedConfig = await resolveConfig(config, options.baseDir);
  const log = options.log ?? createRootLogger();
  const gateway = await Gateway.create(resolved, log);
  let shuttingDown = false;
  const pipeline = new Pipeline(gateway);
  const catalog = new ModelCatalog(gateway);
  // From the validated config itself: the resolved server settings carry only what listen() needs.
  const cors = createCors(config.server?.cors);
  const app = createRequestListener({ gateway, pipeline, catalog, version, isShuttingDown: () => shuttingDown, cors });

  let host = options.host ?? resolved.server.host ?? process.env.HOST ?? '0.0.0.0';
  if (!gateway.hooks.auth.isUsed() && host !== loopback && host !== 'localhost' && host !== '::1') {
    log.warn({ requestedHost: host }, 'no master key or other auth configured: listening on 127.0.0.1 only');
    host = loopback;
  }
  const port = options.port ?? resolved.server.port;
  let listening;
  try {
    listening = await listen(app, resolved.server, port, host);
  } catch (err) {
    await gateway.close();
    throw err;
  }
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const url = `http://${shownHost}:${listening.port}`;
  log.info({ url, plugins: resolved.plugins.map((p) => p.name), providers: gateway.providers.list().map((p) => p.id) }, 'gateway listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port: listening.port,
    host,
    gateway,
    close(graceMs = resolved.server.shutdownGraceMs) {
      closing ??= (async () => {
        shuttingDown = true;
        log.info({ inFlight: listening.inFlight(), graceMs }, 'shutting down');
        await listening.drain(graceMs);
        await gateway.close();
        await closeUpstreamAgent();
        log.info('gateway stopped');
        log.flush?.();
      })();
      return closing;
    },
  };
}
