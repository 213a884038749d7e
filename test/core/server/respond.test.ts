import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { RequestContext } from '../../../core/context.ts';
import { GatewayError } from '../../../core/errors.ts';
import { createRootLogger } from '../../../core/log.ts';
import { writeError, writeJson } from '../../../core/server/respond.ts';

// The response headers of model calls, on the wire (raw, so a header sent twice shows).
const log = createRootLogger({ level: 'silent', sync: true });
let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server === undefined ? done() : server.close(() => done()))));

function context(): RequestContext {
  const ctx = new RequestContext({ id: 'req-1', operation: 'chat', headers: {}, signal: new AbortController().signal, rootLog: log });
  const deployment = { id: 'openai/gpt-4o', group: 'smart', provider: 'openai', model: 'gpt-4o' };
  ctx.deployment = deployment;
  ctx.attempts.push({ deployment, startedAt: 0, durationMs: 1, outcome: 'ok', status: 200 });
  ctx.cacheStatus = 'miss';
  return ctx;
}

/** Serves one response written by `write`, and returns its raw header list. */
async function rawHeaders(write: Parameters<typeof createServer>[1]): Promise<{ status: number; raw: string[]; body: string }> {
  server = createServer(write);
  await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const { request } = await import('node:http');
  return new Promise((done, fail) => {
    request({ host: '127.0.0.1', port, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, raw: res.rawHeaders, body }));
    })
      .on('error', fail)
      .end();
  });
}

const pairs = (raw: string[]): [string, string][] => raw.flatMap((v, i) => (i % 2 === 0 ? [[v.toLowerCase(), raw[i + 1] as string] as [string, string]] : []));

describe('model-call response headers', () => {
  test('who answered, attempts, cache status, request id, and plugin headers', async () => {
    const ctx = context();
    ctx.responseHeaders['x-tenant'] = 'acme';
    const { raw, body } = await rawHeaders((_req, res) => writeJson(ctx, res, Buffer.from('{"ok":true}')));
    expect(pairs(raw)).toEqual(
      expect.arrayContaining([
        ['content-type', 'application/json'],
        ['content-length', '11'],
        ['x-request-id', 'req-1'],
        ['x-switchyard-provider', 'openai'],
        ['x-switchyard-model', 'gpt-4o'],
        ['x-switchyard-attempts', '1'],
        ['x-switchyard-cache', 'miss'],
        ['x-tenant', 'acme'],
      ]),
    );
    expect(body).toBe('{"ok":true}');
  });

  test("a plugin's header replaces ours of the same name, whatever its case: sent once", async () => {
    const ctx = context();
    ctx.responseHeaders['X-Switchyard-Cache'] = 'bypass';
    ctx.responseHeaders['content-type'] = 'application/json; charset=utf-8';
    const { raw } = await rawHeaders((_req, res) => writeJson(ctx, res, '{}'));
    const sent = pairs(raw);
    expect(sent.filter(([name]) => name === 'x-switchyard-cache')).toEqual([['x-switchyard-cache', 'bypass']]);
    expect(sent.filter(([name]) => name === 'content-type')).toEqual([['content-type', 'application/json; charset=utf-8']]);
  });

  test('errors: status, length, retry-after, and the request id without a context', async () => {
    const error = new GatewayError(429, 'rate_limit_error', 'slow down é', { retryAfterS: 3 });
    const { status, raw, body } = await rawHeaders((_req, res) => writeError(undefined, res, error, 'req-2'));
    expect(status).toBe(429);
    const sent = pairs(raw);
    expect(sent).toEqual(expect.arrayContaining([['x-request-id', 'req-2'], ['retry-after', '3'], ['content-length', String(Buffer.byteLength(body))]]));
    expect(JSON.parse(body).error.message).toBe('slow down é');
  });
});
