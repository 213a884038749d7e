import { getEventListeners } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { callUpstreamStream, type UpstreamBody } from '../../../core/http/stream.ts';
import { clearDeadline, withDeadline, type UpstreamCall } from '../../../core/http/upstream.ts';
import { gatewayFailure, startRouteServer, type Route, type RouteServer } from '../../helpers/route-server.ts';

/**
 * Streamed upstream calls through Dispatcher.dispatch(): chunks as they arrive, backpressure, the
 * timeouts, abort and error mapping of request(), against a real loopback server.
 */

/** The response of the `/held` route, written to by the test itself. */
let held: ServerResponse | undefined;
/** Bytes the `/flood` route got written so far (its writes wait for `drain`). */
let flooded = 0;
const floodTotal = 64 * 1024 * 1024;

const routes: Record<string, Route> = {
  '/held': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('one');
    held = res;
  },
  '/error': (_req, res) => {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
    res.write('{"error":');
    setTimeout(() => res.end('{"message":"slow down"}}'), 5);
  },
  '/hang': () => undefined,
  '/stall': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: 1\n\n');
  },
  '/reset': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: 1\n\n');
    setTimeout(() => res.socket?.destroy(), 20);
  },
  '/flood': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const block = Buffer.alloc(64 * 1024, 'x');
    flooded = 0;
    const pump = (): void => {
      while (flooded < floodTotal) {
        flooded += block.length;
        if (!res.write(block)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  },
};

let upstream: RouteServer;
beforeAll(async () => {
  upstream = await startRouteServer(routes);
});
afterEach(() => {
  held?.destroy();
  held = undefined;
});
afterAll(() => upstream.close());

const call = (path: string, extra: Partial<UpstreamCall> = {}): UpstreamCall => upstream.call(path, extra);
const closedCount = (path: string): number => upstream.closed.filter((p) => p === path).length;

async function text(body: UpstreamBody): Promise<string> {
  let out = '';
  for await (const chunk of body) out += chunk.toString('utf8');
  return out;
}

async function nextText(body: UpstreamBody): Promise<string> {
  const next = await body.next();
  expect(next.done).toBe(false);
  return (next.value as Buffer).toString('utf8');
}

const listening = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

describe('callUpstreamStream', () => {
  test('each chunk is read as it arrives, before the upstream sends the next', async () => {
    const signal = new AbortController().signal;
    const { statusCode, headers, body } = await callUpstreamStream(call('/held', { signal }));
    expect(statusCode).toBe(200);
    expect(headers['content-type']).toBe('text/event-stream');
    expect(await nextText(body)).toBe('one');
    // The upstream has sent nothing more: the next read waits for it.
    const second = body.next();
    held?.write('two');
    expect(((await second).value as Buffer).toString()).toBe('two');
    held?.end('three');
    expect(await text(body)).toBe('three');
    expect(await body.next()).toEqual({ done: true, value: undefined });
    expect(listening(signal)).toBe(0);
  });

  test('a slow reader pauses the upstream socket instead of buffering the whole body', async () => {
    const { body } = await callUpstreamStream(call('/flood', { timeoutMs: 5000 }));
    expect((await body.next()).done).toBe(false);
    // Wait until the upstream stops getting bytes out (it is blocked) or 1 s has passed.
    let last = -1;
    for (let waited = 0; waited < 1000 && flooded !== last; waited += 150) {
      last = flooded;
      await new Promise((r) => setTimeout(r, 150));
    }
    // Kernel socket buffers hold a few MiB on loopback; an unbounded body takes all 64 (about
    // 100 MiB/s on a loaded 2-core VM).
    expect(flooded).toBeLessThan(16 * 1024 * 1024);
    let size = 0;
    for await (const chunk of body) size += chunk.length;
    expect(size).toBeGreaterThan(floodTotal - 128 * 1024);
    expect(flooded).toBe(floodTotal);
  });

  test('an error status resolves with its body readable (the caller maps it)', async () => {
    const { statusCode, headers, body } = await callUpstreamStream(call('/error'));
    expect(statusCode).toBe(429);
    expect(headers['retry-after']).toBe('3');
    expect(JSON.parse(await text(body))).toEqual({ error: { message: 'slow down' } });
  });

  test('no headers in time → 504', async () => {
    const signal = new AbortController().signal;
    expect((await gatewayFailure(callUpstreamStream(call('/hang', { signal, timeoutMs: 100 })))).status).toBe(504);
    expect(listening(signal)).toBe(0);
  });

  test('a body that stalls past the idle timeout → 504 after the chunks that came', async () => {
    const signal = new AbortController().signal;
    const { body } = await callUpstreamStream(call('/stall', { signal, timeoutMs: 1000, idleTimeoutMs: 100 }));
    expect(await nextText(body)).toBe('data: 1\n\n');
    const err = await gatewayFailure(body.next());
    expect(err.status).toBe(504);
    expect(err.extra.code).toBe('upstream_timeout');
    expect(listening(signal)).toBe(0);
  });

  test('the whole-call deadline mid-body → 504, and the upstream request is torn down', async () => {
    const before = closedCount('/stall');
    const signal = withDeadline(new AbortController().signal, 150);
    try {
      const { body } = await callUpstreamStream(call('/stall', { signal, timeoutMs: 5000 }));
      expect(await nextText(body)).toBe('data: 1\n\n');
      expect((await gatewayFailure(body.next())).status).toBe(504);
      await expect.poll(() => closedCount('/stall'), { timeout: 2000 }).toBe(before + 1);
    } finally {
      clearDeadline(signal);
    }
  });

  test('the client going away mid-body → 499 and the upstream request is torn down', async () => {
    const before = closedCount('/held');
    const controller = new AbortController();
    const { body } = await callUpstreamStream(call('/held', { signal: controller.signal }));
    expect(await nextText(body)).toBe('one');
    const pending = body.next();
    controller.abort();
    expect((await gatewayFailure(pending)).status).toBe(499);
    await expect.poll(() => closedCount('/held'), { timeout: 2000 }).toBe(before + 1);
    // Already aborted before the call: never answered, still 499.
    expect((await gatewayFailure(callUpstreamStream(call('/stall', { signal: AbortSignal.abort() })))).status).toBe(499);
  });

  test('a reader that stops early tears the upstream request down', async () => {
    const before = closedCount('/held');
    const signal = new AbortController().signal;
    const { body } = await callUpstreamStream(call('/held', { signal }));
    for await (const chunk of body) {
      expect(chunk.toString()).toBe('one');
      break;
    }
    await expect.poll(() => closedCount('/held'), { timeout: 2000 }).toBe(before + 1);
    expect(listening(signal)).toBe(0);
    expect(await body.next()).toEqual({ done: true, value: undefined });
  });

  test('destroy() while a read waits: the read fails, the request is torn down', async () => {
    const before = closedCount('/held');
    const { body } = await callUpstreamStream(call('/held'));
    expect(await nextText(body)).toBe('one');
    const pending = body.next();
    body.destroy();
    expect((await gatewayFailure(pending)).status).toBe(502);
    await expect.poll(() => closedCount('/held'), { timeout: 2000 }).toBe(before + 1);
  });

  test('a connection reset mid-body → 502 after the chunks that came', async () => {
    const { body } = await callUpstreamStream(call('/reset'));
    expect(await nextText(body)).toBe('data: 1\n\n');
    const err = await gatewayFailure(body.next());
    expect(err.status).toBe(502);
    expect(err.extra.code).toBe('upstream_unreachable');
  });

  test('nothing listening → 502', async () => {
    expect((await gatewayFailure(callUpstreamStream(call('/stall', { url: 'http://127.0.0.1:1/stall' })))).status).toBe(502);
  });

  test('a deadline cleared after the stream leaves no timer behind', async () => {
    const client = new AbortController();
    const signal = withDeadline(client.signal, 100);
    const { body } = await callUpstreamStream(call('/error', { signal }));
    await text(body);
    expect(listening(signal)).toBe(0);
    clearDeadline(signal);
    await new Promise((r) => setTimeout(r, 150));
    expect(signal.aborted).toBe(false);
    expect(listening(client.signal)).toBe(0);
  });
});
