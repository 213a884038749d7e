import { Type, type Static } from '@sinclair/typebox';
import { Registry } from 'prom-client';
import { definePlugin, Order, PriceBook, PriceSchema, type RequestContext } from 'switchyard';
import { defineMetrics, type Metrics } from './definitions.ts';
import type { GaugeChild } from './families.ts';
import { configuredDeployments, deploymentStateCollector } from './deployment-state.ts';
import { LabelResolver, modelCalls } from './labels.ts';
import { recordCall, recordCount } from './record.ts';
import { mountMetricsRoute, serveMetricsPort } from './serve.ts';
import { Series } from './series.ts';

export const MetricsOptions = Type.Object(
  {
    /** `false` serves `/metrics` to anyone who reaches the gateway; otherwise the master key is required. */
    auth: Type.Optional(Type.Boolean()),
    /** Serve `/metrics` on this port of its own (no auth) instead of the gateway's port. */
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    /** The interface of `port`. Default 127.0.0.1; `0.0.0.0` for a Prometheus on another host. */
    host: Type.Optional(Type.String({ minLength: 1 })),
    /** Prices (USD per million tokens) by model name, over the shipped table, as the keys plugin's `prices`. */
    prices: Type.Optional(Type.Record(Type.String(), PriceSchema)),
    /**
     * Most model names outside the config's groups (`provider/model`) given a label of their own,
     * once a provider answered them; later ones are `other`. Default 200.
     */
    maxDynamicModels: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false, title: 'metrics' },
);
export type MetricsOptions = Static<typeof MetricsOptions>;

const NAME = 'metrics';

/** Where a call counted in flight keeps its gauge child, so the log stage lowers the same one. */
const inflightSlot = Symbol('switchyard.metrics.inflight');
type InflightSlotted = { [inflightSlot]?: GaugeChild };

/**
 * Prometheus metrics (design/operator.md §7) on `GET /metrics`: OTel GenAI names plus the
 * gateway's own. Its own registry, so two gateways in one process keep their own series. Labels
 * are bounded (model groups, providers, teams, statuses; never a key, hash or `user`), and each
 * combination's children are resolved once, so recording a call is a few map hits and increments.
 */
export default definePlugin(MetricsOptions, (options) => ({
  name: NAME,
  async setup(gateway) {
    const registry = new Registry();
    let metrics: Metrics | undefined;
    const collectStates = deploymentStateCollector(
      () => (metrics as Metrics).deploymentState,
      () => gateway.state,
      configuredDeployments(gateway.models),
      gateway.log,
    );
    metrics = defineMetrics(registry, collectStates);
    const series = new Series(metrics);
    const labels = new LabelResolver(
      gateway.models.map((g) => g.name),
      options.maxDynamicModels ?? 200,
    );
    const deps = { series, labels, prices: new PriceBook(options.prices ?? {}) };
    // Tokens and spend of every stream, also of clients that did not ask for its usage.
    gateway.needStreamUsage();

    // In flight from the first route tap (before the keys plugin's admission): the earliest point
    // that runs only for model calls and does not make the auth stage look used (an auth tap
    // would refuse every call of a gateway without one, and unlock its non-loopback bind).
    gateway.hooks.route.tapPromise({ name: NAME, stage: Order.first - 1 }, async (ctx) => {
      const inflight = series.route(labels.route(ctx)).inflight;
      inflight.inc();
      (ctx.state as InflightSlotted)[inflightSlot] = inflight;
      return undefined;
    });
    gateway.hooks.log.tapPromise({ name: NAME, stage: Order.last }, async (ctx, outcome) => {
      // Every call the route tap counted in flight, token counts included.
      lowerInflight(ctx);
      if (modelCalls.has(ctx.operation)) recordCall(deps, ctx, outcome);
      else if (ctx.operation === 'count_tokens') recordCount(deps, ctx, outcome);
    });

    if (options.port !== undefined) await serveMetricsPort(gateway, registry, options.port, options.host ?? '127.0.0.1');
    else mountMetricsRoute(gateway, registry, options.auth === false ? 'none' : 'admin');
  },
}));

function lowerInflight(ctx: RequestContext): void {
  const slotted = ctx.state as InflightSlotted;
  const inflight = slotted[inflightSlot];
  if (inflight === undefined) return;
  inflight.dec();
  slotted[inflightSlot] = undefined;
}
