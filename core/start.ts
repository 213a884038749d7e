import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { GatewayConfig } from './config/define.ts';
import { resolveConfig, type ResolvedConfig } from './config/load.ts';
import { Gateway, noProviderMessage } from './gateway.ts';
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
  /**
   * Graceful stop: readiness answers 503 and new model calls are refused (503, `Connection:
   * close`) while in-flight requests and streams finish, for up to the grace period; those still
   * open then get a 503 or a final `server_shutting_down` event; plugins close.
   */
  close(graceMs?: number): Promise<void>;
  /**
   * Stop now (a second signal during the drain): every open request is cut as at the end of the
   * grace period, then plugins close and logs flush, for at most `boundMs`.
   */
  stopNow(boundMs?: number): Promise<void>;
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
  if (gateway.providers.list().length === 0) log.warn(noProviderMessage);
  log.info({ url, plugins: resolved.plugins.map((p) => p.name), providers: gateway.providers.list().map((p) => p.id) }, 'gateway listening');

  let closing: Promise<void> | undefined;
  const cut = (res: ServerResponse): void => void pipeline.cut(res);
  const close = (graceMs = resolved.server.shutdownGraceMs): Promise<void> => {
    closing ??= (async () => {
      shuttingDown = true;
      log.info({ inFlight: listening.inFlight(), graceMs }, 'shutting down');
      await listening.drain(graceMs, cut);
      await gateway.close();
      await closeUpstreamAgent();
      log.info('gateway stopped');
      log.flush?.();
    })();
    return closing;
  };
  return {
    url,
    port: listening.port,
    host,
    gateway,
    close,
    async stopNow(boundMs = 2_000) {
      shuttingDown = true;
      log.warn({ inFlight: listening.inFlight(), boundMs }, 'stop now: cutting open requests, closing plugins');
      listening.cutAll(cut);
      // The drain (started now if it was not) ends as soon as the cut requests have answered.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([close(0), new Promise<void>((resolve) => (timer = setTimeout(resolve, boundMs)))]);
      clearTimeout(timer);
      await new Promise<void>((resolve) => log.flush((err) => (err === undefined ? resolve() : resolve())));
    },
  };
}
