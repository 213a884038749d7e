import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsSettings } from '../config/schema.ts';

/**
 * Request headers a browser client of an OpenAI- or Anthropic-style API sends: auth in either
 * form, the Anthropic and OpenAI SDKs' own headers, and ours.
 */
const builtInAllowHeaders = [
  'authorization',
  'x-api-key',
  'api-key',
  'content-type',
  'accept',
  'cache-control',
  'anthropic-version',
  'anthropic-beta',
  'anthropic-dangerous-direct-browser-access',
  'openai-organization',
  'openai-project',
  'openai-beta',
  'x-request-id',
  'x-switchyard-timeout',
  'x-switchyard-cache-ttl',
];

/** Header families allowed by prefix: the SDKs' `x-stainless-*` telemetry, and ours. */
const allowedPrefixes = ['x-stainless-', 'x-switchyard-'];

/**
 * Response headers scripts may read. CORS has no prefix wildcard (and `*` is void with
 * credentials), so each is named: ours, the rate-limit family and what the cache sets.
 */
const builtInExposeHeaders = [
  'x-request-id',
  'x-switchyard-provider',
  'x-switchyard-model',
  'x-switchyard-attempts',
  'x-switchyard-cache',
  'age',
  'retry-after',
  'x-ratelimit-limit-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-requests',
  'x-ratelimit-reset-tokens',
  'x-ratelimit-reset',
];

const defaultMaxAgeSeconds = 600;

/** CORS for one server, its header values computed once at start-up. */
export interface Cors {
  /**
   * Sets the CORS headers of an allowed origin on `res` (before the route writes its own), and
   * answers a preflight itself, without auth: returns true when the request is answered.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

/** The server's CORS, or undefined when `server.cors` is not configured (nothing runs per request). */
export function createCors(settings: CorsSettings | undefined): Cors | undefined {
  if (settings === undefined) return undefined;
  const anyOrigin = settings.origins === '*';
  const origins: ReadonlySet<string> = new Set(anyOrigin ? [] : settings.origins);
  const credentials = settings.credentials === true;
  // `*` answers need no Vary; an echoed origin does, or a cache could serve it to another origin.
  const echo = !anyOrigin || credentials;
  const allowHeaders = new Set([...builtInAllowHeaders, ...(settings.allowHeaders ?? []).map((h) => h.toLowerCase())]);
  const allowHeadersValue = [...allowHeaders].join(', ');
  const exposeValue = [...new Set([...builtInExposeHeaders, ...(settings.exposeHeaders ?? []).map((h) => h.toLowerCase())])].join(', ');
  const maxAge = String(settings.maxAgeSeconds ?? defaultMaxAgeSeconds);

  const allowedHeadersFor = (requested: string | undefined): string => {
    if (requested === undefined) return allowHeadersValue;
    // Prefix families are named back one by one: the response cannot carry a wildcard for them.
    const extra = requested
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== '' && !allowHeaders.has(h) && allowedPrefixes.some((p) => h.startsWith(p)));
    return extra.length === 0 ? allowHeadersValue : `${allowHeadersValue}, ${extra.join(', ')}`;
  };

  return {
    handle(req, res) {
      const origin = req.headers.origin;
      if (echo) res.setHeader('vary', 'Origin');
      if (origin === undefined || !(anyOrigin || origins.has(origin))) return false;
      res.setHeader('access-control-allow-origin', echo ? origin : '*');
      if (credentials) res.setHeader('access-control-allow-credentials', 'true');
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
        res.writeHead(204, {
          'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
          'access-control-allow-headers': allowedHeadersFor(req.headers['access-control-request-headers']),
          'access-control-max-age': maxAge,
          'content-length': '0',
        });
        res.end();
        return true;
      }
      res.setHeader('access-control-expose-headers', exposeValue);
      return false;
    },
  };
}
