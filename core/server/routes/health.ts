import type Router from '@koa/router';
import type { Gateway } from '../../gateway.ts';

/** Liveness and readiness, without auth (load balancers and orchestrators call them). */
export function healthRoutes(router: Router, gateway: Gateway, isShuttingDown: () => boolean): void {
  router.get(['/health', '/health/liveness'], (koa) => {
    koa.body = { status: 'ok' };
  });
  router.get('/health/readiness', async (koa) => {
    const summary = await gateway.readiness();
    const status = isShuttingDown() ? 'shutting_down' : summary.status;
    koa.status = status === 'down' || status === 'shutting_down' ? 503 : 200;
    koa.body = { ...summary, status };
  });
}
