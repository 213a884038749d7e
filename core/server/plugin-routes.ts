import type { IncomingMessage, ServerResponse } from 'node:http';
import type Router from '@koa/router';
import type { RequestContext } from '../context.ts';
import { forbidden, GatewayError, toGatewayError } from '../errors.ts';
import type { CountTokensFormat } from '../count/types.ts';
import type { InboundFormat } from '../inbound.ts';
import type { Pipeline } from '../pipeline.ts';
import { readBodyBytes } from './body.ts';
import { parseJsonBody } from './parse-body.ts';
import { writeError } from './respond.ts';
import { refuseWhileDraining } from './shutdown.ts';

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call a plugin route. */
export type RouteAuth =
  /** Anyone (a health page, a static asset). */
  | 'none'
  /** Whoever the auth stage accepts (the default). */
  | 'caller'
  /** Only a caller the auth stage names `admin` (the master key): others get 403 `admin_only`. */
  | 'admin';

/** An error as a route's clients expect it: OpenAI's envelope unless the route says otherwise. */
export type ErrorEnvelope = (error: GatewayError) => { readonly status: number; readonly body: unknown };

/** What a plugin route answers; a handler that wrote the response itself returns undefined. */
export interface RouteAnswer {
  /** 200 unless set. */
  readonly status?: number;
  /** An object is sent as JSON; a string or Buffer as it is, with `type`. */
  readonly body: unknown;
  /** `content-type` for a string or Buffer body; JSON bodies are `application/json`. */
  readonly type?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One call of a plugin route. */
export interface RouteCall {
  /** The request's context, with `principal` set (unless the route's auth is `none`). */
  readonly ctx: RequestContext;
  /** Path parameters (`/v1/responses/:id` → `params.id`). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /**
   * The JSON body, read with the gateway's limits (size 413; depth, duplicate keys and bad JSON
   * 400), as model calls read theirs.
   */
  json(): Promise<unknown>;
}

/**
 * An HTTP route added by a plugin (an admin API, a page, another inbound API format). Mounted
 * once, at start-up, exactly at the paths given: list the `/v1` spelling too where one is wanted.
 *
 * @example
 * gateway.route({
 *   method: 'GET', path: '/tenant/info', auth: 'admin', summary: 'Tenant settings',
 *   handle: () => ({ body: { tenant: 'acme' } }),
 * });
 */
export interface PluginRoute {
  readonly method: RouteMethod;
  readonly path: string | readonly string[];
  /** `caller` unless set. */
  readonly auth?: RouteAuth;
  /** One line for `/openapi.json` and `/docs`; a route without one is left out of them. */
  readonly summary?: string;
  /** A tag grouping the route in `/docs` (`admin`, `responses`, …). */
  readonly tag?: string;
  /** The error envelope of this route (Anthropic's, on the Messages routes); OpenAI's by default. */
  readonly errors?: ErrorEnvelope;
  /**
   * A model call in another API format (Anthropic's Messages, OpenAI's Responses): decoded to a
   * chat request and served through every stage exactly as `/v1/chat/completions` is, answers
   * and errors encoded by the format. Such a route needs no `handle`, and its auth is `caller`.
   */
  readonly inbound?: InboundFormat;
  /**
   * A token-count call in a client's format (Anthropic's `count_tokens`): routed by `model` and
   * counted by the deployment's provider, or estimated locally; see `CountTokensFormat`. Such a
   * route needs no `handle`, and its auth is `caller`.
   */
  readonly countTokens?: CountTokensFormat;
  /** Answers the call; required unless the route is `inbound` or `countTokens`. */
  readonly handle?: (call: RouteCall) => Promise<RouteAnswer | undefined> | RouteAnswer | undefined;
}

/** A mounted route, with the plugin that added it (for its log lines and the docs). */
export interface RegisteredRoute {
  readonly plugin: string;
  readonly route: PluginRoute;
}

export interface PluginRouteDeps {
  readonly pipeline: Pipeline;
  readonly bodyLimit: number;
  readonly isShuttingDown: () => boolean;
}

/** Mounts every plugin route on the koa router. */
export function mountPluginRoutes(router: Router, routes: readonly RegisteredRoute[], deps: PluginRouteDeps): void {
  for (const { route } of routes) {
    const paths = typeof route.path === 'string' ? [route.path] : [...route.path];
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    router[method](paths, async (koa) => {
      // Written here, not by koa: the route's own envelope, and handlers that write streams.
      koa.respond = false;
      const requestId = koa.state.requestId as string;
      if (deps.isShuttingDown()) return refuseWhileDraining(koa.res, requestId);
      // Never rejects: the pipeline answers every failure in the format's envelope.
      if (route.inbound !== undefined) return deps.pipeline.handle('chat', koa.req, koa.res, requestId, route.inbound);
      if (route.countTokens !== undefined) return deps.pipeline.handleCount(route.countTokens, koa.req, koa.res, requestId);
      const ctx = deps.pipeline.createContext('route', koa.req, koa.res, requestId);
      try {
        await authorize(deps.pipeline, ctx, route.auth ?? 'caller');
        const call: RouteCall = {
          ctx,
          params: koa.params as Record<string, string>,
          query: new URLSearchParams(koa.querystring),
          req: koa.req,
          res: koa.res,
          json: async () => parseJsonBody(await readBodyBytes(koa.req, deps.bodyLimit)),
        };
        const answer = await (route.handle as NonNullable<PluginRoute['handle']>)(call);
        if (answer !== undefined) writeAnswer(koa.res, answer, ctx);
      } catch (err) {
        if (!(err instanceof GatewayError)) ctx.log.error({ err }, 'plugin route failed');
        // The core's error writer: the call's headers (request id, rate-limit headers), a drained
        // 413, and a last event when a handler's stream has started.
        writeError(ctx, koa.res, toGatewayError(err), requestId, route.errors);
      }
    });
  }
}

async function authorize(pipeline: Pipeline, ctx: RequestContext, auth: RouteAuth): Promise<void> {
  if (auth === 'none') return;
  await pipeline.authenticate(ctx);
  if (auth === 'admin' && ctx.principal?.role !== 'admin' && ctx.principal?.role !== 'anonymous') {
    throw forbidden('this route needs the master key', 'admin_only');
  }
}

function writeAnswer(res: ServerResponse, answer: RouteAnswer, ctx: RequestContext): void {
  if (res.headersSent || res.destroyed) return;
  const raw = typeof answer.body === 'string' || Buffer.isBuffer(answer.body);
  const body = raw ? (answer.body as string | Buffer) : JSON.stringify(answer.body);
  const headers: Record<string, string> = {
    ...ctx.responseHeaders,
    ...answer.headers,
    'content-type': raw ? (answer.type ?? 'text/plain; charset=utf-8') : 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'x-request-id': ctx.id,
  };
  res.writeHead(answer.status ?? 200, headers);
  res.end(body);
}
