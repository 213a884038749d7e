import type { RequestListener } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import { GatewayError, routeNotFound, toGatewayError } from '../errors.ts';
import { forwardRoutes } from '../forward/operations.ts';
import type { Gateway } from '../gateway.ts';
import type { Operation } from '../openai/types.ts';
import type { Pipeline } from '../pipeline.ts';
import type { Cors } from './cors.ts';
import type { ModelCatalog } from './model-catalog.ts';
import { requestIdFrom } from './request-id.ts';
import { writeError } from './respond.ts';
import { refuseWhileDraining } from './shutdown.ts';
import { docsRoutes } from './routes/docs.ts';
import { healthRoutes } from './routes/health.ts';
import { modelRoutes } from './routes/models.ts';
import { rootRoute } from './routes/root.ts';
import { mountPluginRoutes } from './plugin-routes.ts';

export interface AppDeps {
  readonly gateway: Gateway;
  readonly pipeline: Pipeline;
  readonly catalog: ModelCatalog;
  readonly version: string;
  readonly isShuttingDown: () => boolean;
  /** `server.cors`, built once; undefined leaves the listener exactly as without it. */
  readonly cors?: Cors | undefined;
}

const modelCalls: readonly [string, Operation][] = [
  ['/chat/completions', 'chat'],
  ['/completions', 'completions'],
  ['/embeddings', 'embeddings'],
];

/** The exact paths of the model calls, with and without `/v1`. */
const modelCallPaths: ReadonlyMap<string, Operation> = new Map(
  modelCalls.flatMap(([path, operation]): [string, Operation][] => [
    [path, operation],
    [`/v1${path}`, operation],
  ]),
);

/**
 * The server's request listener. A model call on its exact path goes straight to the pipeline,
 * which writes its own response and sets `x-request-id` (exactly what the koa route below does,
 * minus koa's per-request context, request and response objects: the largest fixed cost of a
 * call after the upstream hop, see bench/RESULTS.md). Everything else, including the spellings
 * koa's router also accepts (trailing slash, other case, a query string), goes through koa.
 */
export function createRequestListener(deps: AppDeps): RequestListener {
  const koa = createApp(deps).callback();
  const pipeline = deps.pipeline;
  const listener: RequestListener = (req, res) => {
    const operation = req.method === 'POST' ? modelCallPaths.get(req.url ?? '') : undefined;
    if (operation === undefined) {
      // koa catches what its middleware throws; this catches what its own error handling might.
      koa(req, res).catch((err: unknown) => pipeline.escaped(res, err, requestIdFrom(req.headers)));
      return;
    }
    if (deps.isShuttingDown()) return refuseWhileDraining(res, requestIdFrom(req.headers));
    // Never rejects (see Pipeline.handle), so no handler (and no closure) is attached per call.
    void pipeline.handle(operation, req, res, requestIdFrom(req.headers));
  };
  const cors = deps.cors;
  if (cors === undefined) return listener;
  // CORS first, for every route and answer (errors included: their headers merge with these in
  // writeHead); a preflight is answered here, before auth and routing.
  return (req, res) => {
    if (!cors.handle(req, res)) listener(req, res);
  };
}

/** The koa app: every route of DESIGN.md, with and without `/v1`, and OpenAI-style errors for the rest. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.silent = true;
  const router = new Router();

  for (const [path, operation] of modelCalls) {
    router.post([path, `/v1${path}`], async (koa) => {
      // The pipeline writes the response itself (streams, backpressure, errors after headers).
      koa.respond = false;
      if (deps.isShuttingDown()) return refuseWhileDraining(koa.res, koa.state.requestId as string);
      await deps.pipeline.handle(operation, koa.req, koa.res, koa.state.requestId as string);
    });
  }
  for (const route of forwardRoutes) {
    router.post([...route.paths], async (koa) => {
      koa.respond = false;
      if (deps.isShuttingDown()) return refuseWhileDraining(koa.res, koa.state.requestId as string);
      await deps.pipeline.handleForward(route, koa.req, koa.res, koa.state.requestId as string);
    });
  }
  modelRoutes(router, deps.pipeline, deps.catalog);
  healthRoutes(router, deps.gateway, deps.isShuttingDown);
  docsRoutes(router, deps.catalog, deps.version, deps.gateway.routes);
  rootRoute(router, deps.version);
  mountPluginRoutes(router, deps.gateway.routes, {
    pipeline: deps.pipeline,
    bodyLimit: deps.gateway.config.server.bodyLimit,
    isShuttingDown: deps.isShuttingDown,
  });

  app.use(async (koa, next) => {
    const requestId = requestIdFrom(koa.req.headers);
    koa.state.requestId = requestId;
    koa.set('x-request-id', requestId);
    try {
      await next();
      if (koa.respond !== false && koa.body === undefined && koa.status === 404) {
        throw routeNotFound(koa.method, koa.path);
      }
    } catch (err) {
      koa.respond = false;
      if (!(err instanceof GatewayError)) deps.gateway.log.error({ err }, 'route failed');
      writeError(undefined, koa.res, toGatewayError(err), requestId);
    }
  });
  app.use(router.routes());
  app.use(
    router.allowedMethods({
      throw: true,
      methodNotAllowed: () =>
        new GatewayError(405, 'invalid_request_error', 'method not allowed on this route', { code: 'method_not_allowed' }),
      notImplemented: () =>
        new GatewayError(405, 'invalid_request_error', 'method not supported', { code: 'method_not_allowed' }),
    }),
  );
  return app;
}
