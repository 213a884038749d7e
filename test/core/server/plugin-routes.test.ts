import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConfigError, defineConfig, definePlugin, GatewayError, type Principal, type RunningGateway } from 'switchyard';
import { startTestGateway } from '../../helpers/gateway.ts';

const admin: Principal = { id: 'master', role: 'admin' };
const user: Principal = { id: 'someone', role: 'user' };

/** Two keys: `admin-key` is the master key, `user-key` an ordinary caller. */
const keyAuth = definePlugin(() => ({
  name: 'test-auth',
  setup(gateway) {
    gateway.hooks.auth.tapPromise('test-auth', async (ctx) => {
      if (ctx.apiKey === 'admin-key') return admin;
      if (ctx.apiKey === 'user-key') return user;
      throw new GatewayError(401, 'authentication_error', 'invalid API key', { code: 'invalid_api_key' });
    });
  },
}));

const routes = definePlugin(() => ({
  name: 'test-routes',
  setup(gateway) {
    gateway.route({ method: 'GET', path: ['/tenant/:id', '/v1/tenant/:id'], auth: 'admin', summary: 'A tenant', handle: (call) => ({ body: { id: call.params.id, q: call.query.get('q') } }) });
    gateway.route({ method: 'POST', path: '/echo', handle: async (call) => ({ body: { got: await call.json(), who: call.ctx.principal?.id }, headers: { 'x-extra': '1' } }) });
    gateway.route({ method: 'GET', path: '/open', auth: 'none', handle: () => ({ body: 'plain text', type: 'text/plain' }) });
    gateway.route({
      method: 'GET',
      path: '/custom-errors',
      errors: (error) => ({ status: error.status, body: { type: 'error', error: { type: 'custom', message: error.message } } }),
      handle: () => {
        throw new GatewayError(409, 'invalid_request_error', 'already there', { code: 'key_exists' });
      },
    });
    gateway.route({ method: 'GET', path: '/crash', handle: () => { throw new Error('secret internals'); } });
  },
}));

let gw: RunningGateway;
beforeAll(async () => {
  gw = await startTestGateway(defineConfig({ plugins: [keyAuth(), routes()] }));
});
afterAll(() => gw.close(1000));

const get = (path: string, key?: string, init: RequestInit = {}) =>
  fetch(`${gw.url}${path}`, { ...init, headers: { ...(key === undefined ? {} : { authorization: `Bearer ${key}` }), ...(init.headers as Record<string, string>) } });

describe('plugin routes', () => {
  test('admin routes: the master key passes with params and query; a user key gets 403 admin_only; no key 401', async () => {
    const ok = await get('/v1/tenant/acme?q=1', 'admin-key');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: 'acme', q: '1' });
    expect(ok.headers.get('x-request-id')).toBeTruthy();
    const denied = await get('/tenant/acme', 'user-key');
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: { type: 'permission_error', code: 'admin_only' } });
    expect((await get('/tenant/acme')).status).toBe(401);
  });

  test('JSON bodies are read with the gateway limits; bad JSON and duplicate keys are 400', async () => {
    const ok = await get('/echo', 'user-key', { method: 'POST', body: '{"a":[1,2]}', headers: { 'content-type': 'application/json' } });
    expect(await ok.json()).toEqual({ got: { a: [1, 2] }, who: 'someone' });
    expect(ok.headers.get('x-extra')).toBe('1');
    const dup = await get('/echo', 'user-key', { method: 'POST', body: '{"a":1,"a":2}' });
    expect(dup.status).toBe(400);
    expect(await dup.json()).toMatchObject({ error: { code: 'duplicate_key' } });
    expect((await get('/echo', 'user-key', { method: 'POST', body: '{' })).status).toBe(400);
  });

  test('auth none, raw bodies, a custom envelope, and a crash that leaks nothing', async () => {
    const open = await get('/open');
    expect(open.headers.get('content-type')).toBe('text/plain');
    expect(await open.text()).toBe('plain text');
    const custom = await get('/custom-errors', 'user-key');
    expect(custom.status).toBe(409);
    expect(await custom.json()).toEqual({ type: 'error', error: { type: 'custom', message: 'already there' } });
    const crash = await get('/crash', 'user-key');
    expect(crash.status).toBe(500);
    expect(await crash.text()).not.toContain('secret internals');
  });

  test('/openapi.json documents routes with a summary once, with path parameters', async () => {
    const doc = (await (await get('/openapi.json')).json()) as { paths: Record<string, { get?: { parameters?: unknown[] } }> };
    expect(doc.paths['/v1/tenant/{id}']?.get?.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(doc.paths['/tenant/{id}']).toBeUndefined();
    expect(doc.paths['/echo']).toBeUndefined();
  });
});

describe('route registration', () => {
  test("a path the core serves, or another plugin's, fails start-up naming both", async () => {
    const taker = (path: string) =>
      definePlugin(() => ({ name: `take-${path.replace(/\W/g, '')}`, setup: (g) => g.route({ method: 'POST', path, handle: () => ({ body: {} }) }) }))();
    await expect(startTestGateway(defineConfig({ plugins: [taker('/v1/chat/completions')] }))).rejects.toThrow(/already served by the core/);
    await expect(startTestGateway(defineConfig({ plugins: [routes(), taker('/echo')] }))).rejects.toThrow(ConfigError);
    await expect(startTestGateway(defineConfig({ plugins: [routes(), taker('/echo')] }))).rejects.toThrow(/plugin 'test-routes'/);
  });

  test('a route needs exactly one of handle, inbound and countTokens', async () => {
    const counter = { name: 'c', decode: () => ({ model: 'm', messages: [] }), encode: () => ({}), errors: (e: GatewayError) => ({ status: e.status, body: {} }) };
    const both = definePlugin(() => ({ name: 'both', setup: (g) => g.route({ method: 'POST', path: '/count', countTokens: counter, handle: () => ({ body: {} }) }) }))();
    const neither = definePlugin(() => ({ name: 'neither', setup: (g) => g.route({ method: 'POST', path: '/count' }) }))();
    await expect(startTestGateway(defineConfig({ plugins: [both] }))).rejects.toThrow(/needs exactly one of handle, inbound and countTokens/);
    await expect(startTestGateway(defineConfig({ plugins: [neither] }))).rejects.toThrow(/needs exactly one of handle, inbound and countTokens/);
  });
});
