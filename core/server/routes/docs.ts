import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type Router from '@koa/router';
import { openApiDocument } from '../openapi.ts';
import type { ModelCatalog } from '../model-catalog.ts';
import type { RegisteredRoute } from '../plugin-routes.ts';

const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const assets: Readonly<Record<string, string>> = Object.freeze({
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
});

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Switchyard API</title>
  <link rel="icon" href="/docs/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true });
  </script>
</body>
</html>`;

/** `GET /openapi.json` (this gateway's routes and models) and `GET /docs` (Swagger UI over it). */
export function docsRoutes(router: Router, catalog: ModelCatalog, version: string, routes: readonly RegisteredRoute[] = []): void {
  router.get('/openapi.json', async (koa) => {
    koa.body = openApiDocument(await catalog.list(), version, routes);
  });
  router.get(['/docs', '/docs/'], (koa) => {
    koa.type = 'text/html; charset=utf-8';
    koa.body = page;
  });
  router.get('/docs/:asset', (koa) => {
    const type = assets[koa.params.asset ?? ''];
    if (type === undefined) return;
    koa.type = type;
    koa.set('cache-control', 'public, max-age=86400');
    koa.body = createReadStream(join(swaggerDir, koa.params.asset as string));
  });
}
