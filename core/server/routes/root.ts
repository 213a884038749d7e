import type Router from '@koa/router';

/**
 * `GET /`: where to go next, as JSON rather than a redirect, so a client probing its base URL
 * gets an answer it can read (and a person opening it in a browser sees the links).
 */
export function rootRoute(router: Router, version: string): void {
  const body = Object.freeze({
    name: 'switchyard',
    version,
    docs: '/docs',
    openapi: '/openapi.json',
    models: '/v1/models',
    health: '/health',
  });
  router.get('/', (koa) => {
    koa.body = body;
  });
}
