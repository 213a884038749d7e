import type { ResolvedConfig } from './config/load.ts';
import type { RequestContext } from './context.ts';
import { ConfigError, GatewayError, PluginError, type ConfigProblem } from './errors.ts';
import { createStageHooks, pluginHooks, type StageHooks } from './hooks.ts';
import type { Logger } from './log.ts';
import type { GatewayApi, Plugin, ReadinessReport } from './plugin.ts';
import type { SharedState } from './state/types.ts';
import { ProviderRegistry } from './providers/registry.ts';
import type { CallResult } from './result.ts';
import type { Deployment } from './routing/types.ts';
import type { ModelGroup } from './config/schema.ts';
import { forwardRoutes } from './forward/operations.ts';
import { StrategyRegistry } from './routing/strategy.ts';
import { StateSlot } from './state/slot.ts';
import { unreachableTaps, type TapRecord } from './tap-order.ts';
import type { PluginRoute, RegisteredRoute } from './server/plugin-routes.ts';

/** Paths the core serves itself; a plugin route may not take them. */
const corePaths: ReadonlySet<string> = new Set(
  ['/chat/completions', '/completions', '/embeddings', '/models']
    .flatMap((p) => [p, `/v1${p}`])
    .concat(['/', '/health', '/health/readiness', '/docs', '/openapi.json'], forwardRoutes.flatMap((r) => r.paths)),
);
const pathsOf = (route: PluginRoute): readonly string[] => (typeof route.path === 'string' ? [route.path] : route.path);

/** Readiness and start-up say this when no plugin registered a provider. */
export const noProviderMessage = 'no provider is configured: every model call answers 404 (add a provider plugin, or set a provider key variable)';

type ReadinessCheck = () => ReadinessReport | Promise<ReadinessReport>;

export interface ReadinessSummary {
  readonly status: 'ok' | 'degraded' | 'down';
  readonly plugins: readonly string[];
  readonly providers: readonly string[];
  readonly checks: Readonly<Record<string, ReadinessReport>>;
}

/**
 * The assembled gateway: the stages, the providers, and the plugins that filled them. Built
 * once; plugins run `setup` in config order.
 */
export class Gateway {
  readonly hooks: StageHooks;
  readonly providers: ProviderRegistry;
  readonly config: ResolvedConfig;
  readonly log: Logger;
  /** Shared state for routing and resilience plugins; in memory unless a plugin provides one. */
  readonly state = new StateSlot();
  readonly strategies = new StrategyRegistry();
  readonly #closers: { plugin: string; fn: () => void | Promise<void> }[] = [];
  readonly #readiness = new Map<string, ReadinessCheck>();
  /** Set by a plugin that must know every stream's usage (spend, limits, metrics): see GatewayApi. */
  streamUsageNeeded = false;
  /** Routes added by plugins, mounted by the server. */
  readonly routes: RegisteredRoute[] = [];
  /** Every tap made at set-up, in order, to find taps an owned stage would never reach. */
  readonly #taps: TapRecord[] = [];
  #closed = false;

  private constructor(config: ResolvedConfig, log: Logger) {
    this.hooks = createStageHooks();
    this.providers = new ProviderRegistry();
    this.config = config;
    this.log = log;
  }

  /** Sets up every plugin, then checks what only set-up can tell (deployments of unknown providers). */
  static async create(config: ResolvedConfig, log: Logger): Promise<Gateway> {
    const gateway = new Gateway(config, log);
    for (const plugin of config.plugins) {
      try {
        await plugin.setup(gateway.#apiFor(plugin));
      } catch (err) {
        // Plugins set up so far may hold connections and timers (Redis state): release them.
        await gateway.close();
        if (err instanceof ConfigError) throw err;
        throw new ConfigError([{ path: `plugin '${plugin.name}'`, message: `setup failed: ${(err as Error).message}` }]);
      }
    }
    const problems = [...unreachableTaps(config.plugins, gateway.#taps), ...gateway.#deploymentProblems()];
    if (problems.length > 0) {
      await gateway.close();
      throw new ConfigError(problems);
    }
    return gateway;
  }

  #apiFor(plugin: Plugin): GatewayApi {
    const providers = this.providers;
    return Object.freeze({
      hooks: pluginHooks(this.hooks, plugin.name, (hook, stage) => void this.#taps.push({ plugin: plugin.name, hook, stage })),
      providers: {
        register: providers.register.bind(providers),
        get: providers.get.bind(providers),
        has: providers.has.bind(providers),
        list: providers.list.bind(providers),
        claimant: providers.claimant.bind(providers),
      },
      log: this.log.child({ plugin: plugin.name }),
      models: this.config.models,
      settings: this.config.settings,
      invoke: (ctx: RequestContext, target: Deployment) => this.invoke(ctx, target),
      state: this.state,
      provideState: (state: SharedState) => this.state.provide(state, plugin.name),
      strategies: {
        register: this.strategies.register.bind(this.strategies),
        get: this.strategies.get.bind(this.strategies),
        has: this.strategies.has.bind(this.strategies),
        names: this.strategies.names.bind(this.strategies),
      },
      readiness: (name: string, check: ReadinessCheck) => void this.#readiness.set(name, check),
      route: (route: PluginRoute) => this.#addRoute(plugin.name, route),
      needStreamUsage: () => void (this.streamUsageNeeded = true),
      onClose: (fn: () => void | Promise<void>) => void this.#closers.push({ plugin: plugin.name, fn }),
    });
  }

  #addRoute(plugin: string, route: PluginRoute): void {
    const paths = typeof route.path === 'string' ? [route.path] : route.path;
    if ([route.handle, route.inbound, route.countTokens].filter((h) => h !== undefined).length !== 1) {
      throw new ConfigError([{ path: `plugin '${plugin}'`, message: `route ${route.method} ${paths.join(', ')} needs exactly one of handle, inbound and countTokens` }]);
    }
    for (const path of paths) {
      const taken = corePaths.has(path) ? 'the core' : this.routes.find((r) => r.route.method === route.method && pathsOf(r.route).includes(path))?.plugin;
      if (taken !== undefined) {
        throw new ConfigError([{ path: `plugin '${plugin}'`, message: `route ${route.method} ${path} is already served by ${taken === 'the core' ? taken : `plugin '${taken}'`}` }]);
      }
    }
    this.routes.push({ plugin, route: Object.freeze({ ...route }) });
  }

  #deploymentProblems(): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    this.config.models.forEach((group, i) => {
      if (group.routing !== undefined && !this.strategies.has(group.routing)) {
        const known = this.strategies.names().join(', ') || 'none';
        problems.push({
          path: `models[${i}].routing`,
          message: `routing strategy '${group.routing}' is not configured; add its plugin (configured: ${known})`,
        });
      }
    });
    problems.push(...deploymentProblems(this.config.models, this.providers));
    return problems;
  }

  /** Calls one deployment, recording the attempt on the context. */
  async invoke(ctx: RequestContext, target: Deployment): Promise<CallResult> {
    const adapter = this.providers.get(target.provider);
    const attempt = {
      deployment: target,
      startedAt: performance.now(),
      durationMs: 0,
      outcome: 'ok' as 'ok' | 'error',
      status: 200,
      upstreamStatus: undefined as number | undefined,
      error: undefined as string | undefined,
    };
    ctx.attempts.push(attempt);
    try {
      if (adapter === undefined) throw new Error(`provider '${target.provider}' is not registered`);
      const result = await adapter.invoke(ctx, ctx.request, target);
      attempt.durationMs = performance.now() - attempt.startedAt;
      ctx.deployment = target;
      return result;
    } catch (err) {
      attempt.durationMs = performance.now() - attempt.startedAt;
      attempt.outcome = 'error';
      const safe = err instanceof GatewayError ? err : new PluginError(`provider-${target.provider}`, 'call', err);
      attempt.status = safe instanceof GatewayError ? safe.status : 500;
      attempt.upstreamStatus = safe instanceof GatewayError ? safe.extra.upstreamStatus : undefined;
      attempt.error = safe instanceof GatewayError ? (safe.extra.code ?? safe.type) : 'internal_error';
      throw safe;
    }
  }

  async readiness(): Promise<ReadinessSummary> {
    const checks: Record<string, ReadinessReport> = {};
    let status: ReadinessSummary['status'] = 'ok';
    for (const [name, check] of this.#readiness) {
      let report: ReadinessReport;
      try {
        report = await check();
      } catch (err) {
        report = { status: 'down', detail: { error: (err as Error).message } };
      }
      checks[name] = report;
      if (report.status === 'down') status = 'down';
      else if (report.status === 'degraded' && status === 'ok') status = 'degraded';
    }
    const providers = this.providers.list().map((p) => p.id);
    if (providers.length === 0) {
      // Nothing can be served: a load balancer must not send traffic here.
      checks.providers = { status: 'down', detail: { error: noProviderMessage } };
      status = 'down';
    }
    return { status, plugins: this.config.plugins.map((p) => p.name), providers, checks };
  }

  /** Runs the `close` stage and every `onClose`, in reverse set-up order. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.hooks.close.isUsed()) {
      await this.hooks.close.promise().catch((err: unknown) => this.log.error({ err }, 'close stage failed'));
    }
    for (const { plugin, fn } of this.#closers.reverse()) {
      try {
        await fn();
      } catch (err) {
        this.log.error({ err, plugin }, 'plugin close failed');
      }
    }
    await this.state.close().catch((err: unknown) => this.log.error({ err }, 'shared state close failed'));
  }
}

/**
 * Deployments naming a provider no plugin registered. Tolerates malformed groups (skipped: the
 * schema reports them), since `switchyard check` runs it on configs that failed validation.
 */
export function deploymentProblems(models: readonly ModelGroup[], providers: Pick<ProviderRegistry, 'has' | 'list'>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  models.forEach((group, i) => {
    const deployments: unknown = group?.deployments;
    if (!Array.isArray(deployments)) return;
    deployments.forEach((d: { provider?: unknown } | null, j) => {
      if (typeof d?.provider !== 'string' || providers.has(d.provider)) return;
      const known = providers.list().map((p) => p.id).join(', ') || 'none';
      problems.push({
        path: `models[${i}].deployments[${j}].provider`,
        message: `provider '${d.provider}' is not configured (configured: ${known})`,
      });
    });
  });
  return problems;
}
