import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callUpstreamComplete } from '../../../core/http/complete.ts';
import { withDeadline, type UpstreamCall } from '../../../core/http/upstream.ts';
import { gatewayFailure, startRouteServer, type Route, type RouteServer } from '../../helpers/route-server.ts';

/**
 * Non-streamed upstream calls through Dispatcher.dispatch(): the same timeouts, abort, error
 * mapping and body limit as request() + readBody, against a real loopback server.
 */
const routes: Record<string, Route> = {
  '/ok': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-extra': 'yes' });
    res.write('{"a":');
    setTimeout(() => res.end('1}'), 5);
  },
  '/echo': (req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => res.end(Buffer.concat(parts)));
  },
  '/error': (_req, res) => {
    res.writeHead(429, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"slow down"}}');
  },
  '/hang': () => undefined,
  '/stall': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"a":');
  },
  '/big-error': (_req, res) => {
    res.writeHead(500, { 'content-type': 'text/html' });
    res.write(Buffer.alloc(1024 * 1024, 'x'));
    res.write(Buffer.alloc(1024, 'x'));
  },
  '/big': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(Buffer.alloc(4096, 'x'));
    res.write(Buffer.alloc(4096, 'x'));
  },
};

let upstream: RouteServer;
beforeAll(async () => {
  upstream = await startRouteServer(routes);
});
afterAll(() => upstream.close());

const call = (path: string, extra: Partial<UpstreamCall> = {}): UpstreamCall => upstream.call(path, extra);

describe('callUpstreamComplete', () => {
  test('gathers status, headers and a body sent in parts', async () => {
    const answer = await callUpstreamComplete(call('/ok'));
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['x-extra']).toBe('yes');
    expect(answer.bytes.toString()).toBe('{"a":1}');
  });

  test('sends a Buffer body as it is', async () => {
    const body = Buffer.from('{ "kept" :  true }');
    const answer = await callUpstreamComplete(call('/echo', { body }));
    expect(answer.bytes.equals(body)).toBe(true);
  });

  test('an error status is an answer, not a failure (the caller maps it)', async () => {
    const answer = await callUpstreamComplete(call('/error'));
    expect(answer.statusCode).toBe(429);
    expect(answer.bytes.toString()).toContain('slow down');
  });

  test('no headers in time → 504; a body that stalls → 504', async () => {
    expect((await gatewayFailure(callUpstreamComplete(call('/hang', { timeoutMs: 100 })))).status).toBe(504);
    expect((await gatewayFailure(callUpstreamComplete(call('/stall', { timeoutMs: 1000, idleTimeoutMs: 100 })))).status).toBe(504);
  });

  test('the whole-call deadline → 504, and the upstream request is torn down', async () => {
    const signal = withDeadline(new AbortController().signal, 150);
    const err = await gatewayFailure(callUpstreamComplete(call('/stall', { signal, timeoutMs: 5000 })));
    expect(err.status).toBe(504);
    await expect.poll(() => upstream.closed.filter((p) => p === '/stall').length, { timeout: 2000 }).toBeGreaterThanOrEqual(2);
  });

  test('the client going away → 499 and the upstream request is torn down', async () => {
    const controller = new AbortController();
    const before = upstream.closed.filter((p) => p === '/hang').length;
    const pending = callUpstreamComplete(call('/hang', { signal: controller.signal, timeoutMs: 5000 }));
    setTimeout(() => controller.abort(), 50);
    expect((await gatewayFailure(pending)).status).toBe(499);
    await expect.poll(() => upstream.closed.filter((p) => p === '/hang').length, { timeout: 2000 }).toBe(before + 1);
    // Already aborted before the call: never answered, still 499.
    expect((await gatewayFailure(callUpstreamComplete(call('/ok', { signal: AbortSignal.abort() })))).status).toBe(499);
  });

  test('past the body limit → 502, the call aborted', async () => {
    const err = await gatewayFailure(callUpstreamComplete(call('/big', { timeoutMs: 5000 }), 6000));
    expect(err.status).toBe(502);
    expect(err.extra.code).toBe('upstream_unreachable');
    await expect.poll(() => upstream.closed.filter((p) => p === '/big').length, { timeout: 2000 }).toBe(1);
  });

  test('an error status with a body over 1 MiB: answered with an empty body, the call aborted', async () => {
    const answer = await callUpstreamComplete(call('/big-error', { timeoutMs: 5000 }));
    expect(answer.statusCode).toBe(500);
    expect(answer.bytes.length).toBe(0);
    await expect.poll(() => upstream.closed.filter((p) => p === '/big-error').length, { timeout: 2000 }).toBe(1);
  });

  test('nothing listening → 502', async () => {
    const err = await gatewayFailure(callUpstreamComplete(call('/ok', { url: 'http://127.0.0.1:1/ok' })));
    expect(err.status).toBe(502);
  });
});
