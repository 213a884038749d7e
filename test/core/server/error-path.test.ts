import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig } from 'switchyard';
import { resolveConfig } from '../../../core/config/load.ts';
import { RequestContext } from '../../../core/context.ts';
import { GatewayError } from '../../../core/errors.ts';
import { Gateway } from '../../../core/gateway.ts';
import { createRootLogger } from '../../../core/log.ts';
import { Pipeline } from '../../../core/pipeline.ts';
import { createRequestListener } from '../../../core/server/app.ts';
import { headerValue } from '../../../core/server/header-value.ts';
import { ModelCatalog } from '../../../core/server/model-catalog.ts';
import { writeError, writeJson } from '../../../core/server/respond.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { captureLog, waitForLine } from '../../helpers/log-capture.ts';

// Issue #11.2: the error path wrote the same unsafe headers that had just failed and threw again;
// that throw escaped the request handler and ended the process. The error path never throws, and
// what escapes a request's handling anyway is logged and answered with a 500 envelope.

const silent = createRootLogger({ level: 'silent', sync: true });
let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server === undefined ? done() : server.close(() => done()))));

async function serve(listener: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(listener);
  await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function hostileContext(): RequestContext {
  const ctx = new RequestContext({ id: 'req-h', operation: 'chat', headers: {}, signal: new AbortController().signal, rootLog: silent });
  ctx.deployment = { id: 'openai/x', group: 'x', provider: 'openai', model: 'gpt-4o\r\nset-cookie: a=b\u0000✓' };
  ctx.responseHeaders['bad name\r\n'] = 'v';
  ctx.responseHeaders['x-plugin'] = 'ok\nnot-a-header: 1';
  return ctx;
}

describe('header values from client or upstream input', () => {
  test('headerValue: printable ASCII as is, the rest percent-encoded, long values cut', () => {
    expect(headerValue('gpt-4o')).toBe('gpt-4o');
    expect(headerValue('a\r\nb\u0000c\u007f')).toBe('a%0D%0Ab%00c%7F');
    expect(headerValue('é✓😀')).toBe('%C3%A9%E2%9C%93%F0%9F%98%80');
    expect(headerValue('\ud800x')).toBe('%EF%BF%BDx');
    expect(headerValue('m'.repeat(1000))).toBe(`${'m'.repeat(256)}...(cut, 1000 chars)`);
  });

  test('an answer and an error with hostile model and plugin headers are written, and split nothing', async () => {
    const url = await serve((req, res) => (req.url === '/ok' ? writeJson(hostileContext(), res, '{}') : writeError(hostileContext(), res, new GatewayError(404, 'invalid_request_error', 'nope'), 'req-h')));
    for (const path of ['/ok', '/error']) {
      const res = await fetch(`${url}${path}`);
      expect(res.headers.get('x-switchyard-model')).toBe('gpt-4o%0D%0Aset-cookie: a=b%00%E2%9C%93');
      expect(res.headers.get('x-plugin')).toBe('ok%0Anot-a-header: 1');
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(res.headers.get('not-a-header')).toBeNull();
      await res.text();
    }
  });

  test('writeError after the headers went out, or on a response it cannot write, does not throw', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
      expect(() => writeError(undefined, res, new GatewayError(502, 'api_error', 'late'), 'req-l')).not.toThrow();
      expect(() => writeError(undefined, res, new GatewayError(502, 'api_error', 'again'), 'req-l')).not.toThrow();
    });
    const res = await fetch(url);
    expect(await res.text()).toContain('"late"');
  });
});

describe('a failure that escapes a request handler', () => {
  let gateway: Gateway;
  let lines: ReturnType<typeof captureLog>['lines'];
  let url: string;
  let listenerServer: Server;

  beforeAll(async () => {
    const captured = captureLog();
    lines = captured.lines;
    gateway = await Gateway.create(await resolveConfig(defineConfig({ plugins: [modelRouting({})] })), captured.log);
    const pipeline = new Pipeline(gateway);
    // A bug in the error path itself: the one place that used to let a rejection escape.
    pipeline.fail = () => {
      throw new Error('bug in the error path');
    };
    listenerServer = createServer(createRequestListener({ gateway, pipeline, catalog: new ModelCatalog(gateway), version: 'test', isShuttingDown: () => false }));
    await new Promise<void>((done) => listenerServer.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(listenerServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((done) => listenerServer.close(() => done()));
    await gateway.close();
  });

  test('is logged and answered with a 500 envelope; the next request is served', async () => {
    for (const id of ['escaped-1', 'escaped-2']) {
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify({ model: 'unknown', messages: [{ role: 'user', content: 'x' }] }),
      });
      expect(res.status).toBe(500);
      expect(res.headers.get('x-request-id')).toBe(id);
      expect(await res.json()).toEqual({ error: { message: 'internal gateway error', type: 'server_error', param: null, code: 'internal_error' } });
      const line = await waitForLine(lines, (l) => l.reqId === id && l.msg === 'request handler failed');
      expect(line.level).toBe(50);
    }
  });
});
