import { definePlugin, GatewayError, Order, type GatewayApi } from 'switchyard';
import { loadAssets, staticDir } from './assets.ts';
import { contentSecurityPolicy, pageHeaders } from './headers.ts';
import { configuredDeployments, healthAnswer } from './health.ts';
import { DeploymentRates, RequestRate } from './request-rate.ts';

/** Operations that are model calls: what the live request rate counts. */
const modelCalls = new Set(['chat', 'completions', 'embeddings']);

/**
 * The admin page (design/operator.md §9): `GET /ui` serves one page of static files (hand-written
 * ES modules, preact, htm and uPlot straight from node_modules; nothing is built) that drives the
 * admin API with the master key the operator types in. The files need no key (they hold none);
 * every call the page makes does. `GET /ui/api/health` (master key) answers the deployments'
 * cooldowns and in-flight counts from the shared state, and this instance's request rate.
 */
export default definePlugin(() => ({
  name: 'admin-ui',
  setup(gateway) {
    const assets = loadAssets(staticDir);
    const headers = pageHeaders(contentSecurityPolicy(assets.importMapHash));
    // First: the router tries routes in the order they were added, and /ui/{*path} matches this path too.
    mountHealth(gateway);
    gateway.route({
      method: 'GET',
      path: ['/ui', '/ui/', '/ui/{*path}'],
      auth: 'none',
      summary: 'The admin page (sign in with the master key)',
      tag: 'admin',
      handle(call) {
        const asset = assets.files.get(call.params.path ?? '');
        if (asset === undefined) throw new GatewayError(404, 'not_found_error', 'no such file in the admin page', { code: 'not_found' });
        return { body: asset.body, type: asset.type, headers: { ...headers, 'cache-control': asset.cache } };
      },
    });
  },
}));

function mountHealth(gateway: GatewayApi): void {
  const rate = new RequestRate();
  const perDeployment = new DeploymentRates();
  // Synchronous work: the tap answers at once rather than with an async function's new promise.
  gateway.hooks.log.tapPromise({ name: 'admin-ui', stage: Order.late }, (ctx, outcome) => {
    if (!modelCalls.has(ctx.operation)) return;
    const now = Date.now();
    rate.record(now, outcome.error !== undefined || outcome.status >= 400);
    for (const attempt of ctx.attempts) perDeployment.record(attempt.deployment.id, now, attempt.outcome === 'error');
  });
  const deployments = configuredDeployments(gateway.models);
  gateway.route({
    method: 'GET',
    path: '/ui/api/health',
    auth: 'admin',
    summary: "Deployments' cooldowns, in-flight calls and rpm, and this instance's request rate (the admin page's health view)",
    tag: 'admin',
    async handle() {
      const now = Date.now();
      return { body: await healthAnswer(gateway.state, deployments, { requests: rate.snapshot(now), deployments: perDeployment }, now), headers: { 'cache-control': 'no-store' } };
    },
  });
}
