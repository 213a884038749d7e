import type Router from '@koa/router';
import { modelNotFound } from '../../errors.ts';
import type { Pipeline } from '../../pipeline.ts';
import type { ModelCatalog } from '../model-catalog.ts';

/** `GET /v1/models` and `GET /v1/models/{id}` (ids may contain `/`). Authenticated like model calls. */
export function modelRoutes(router: Router, pipeline: Pipeline, catalog: ModelCatalog): void {
  router.get(['/models', '/v1/models'], async (koa) => {
    const ctx = pipeline.createContext('models', koa.req, koa.res, koa.state.requestId as string);
    await pipeline.authenticate(ctx);
    const allows = ctx.principal?.allows;
    const data = await catalog.list();
    koa.body = { object: 'list', data: allows === undefined ? data : data.filter((m) => allows(m.id)) };
  });
  router.get(['/models/*id', '/v1/models/*id'], async (koa) => {
    const ctx = pipeline.createContext('models', koa.req, koa.res, koa.state.requestId as string);
    await pipeline.authenticate(ctx);
    const id = String(koa.params.id);
    const entry = await catalog.find(id);
    const allows = ctx.principal?.allows;
    if (entry === undefined || (allows !== undefined && !allows(entry.id))) throw modelNotFound(id);
    koa.body = entry;
  });
}
