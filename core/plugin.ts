import type { Static, TSchema } from '@sinclair/typebox';
import type { RequestContext } from './context.ts';
import type { ConfigProblem } from './errors.ts';
import type { ExclusiveStage, PluginHooks } from './hooks.ts';
import type { Logger } from './log.ts';
import type { CallResult } from './result.ts';
import type { Deployment } from './routing/types.ts';
import type { ProviderRegistry } from './providers/registry.ts';
import type { GatewaySettings, ModelGroup } from './config/schema.ts';
import type { StrategyRegistry } from './routing/strategy.ts';
import type { SharedState } from './state/types.ts';
import { compileConfigSchema } from './validation.ts';
import type { PluginRoute } from './server/plugin-routes.ts';

/** A backend's health, as `GET /health/readiness` reports it. */
export interface ReadinessReport {
  readonly status: 'ok' | 'degraded' | 'down';
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** What a plugin's `setup` receives: the one API built-in and in-house plugins share. */
export interface GatewayApi {
  /** The stages, tap-only. Tap here, in `setup`, never per request. */
  readonly hooks: PluginHooks;
  /** Register provider adapters; look them up. */
  readonly providers: Pick<ProviderRegistry, 'register' | 'get' | 'has' | 'list' | 'claimant'>;
  /** A logger bound to `{ plugin: name }`. */
  readonly log: Logger;
  /** The validated config's model groups and settings, frozen. */
  readonly models: readonly ModelGroup[];
  readonly settings: GatewaySettings;
  /**
   * Calls one deployment through its provider and records the attempt on `ctx` (what a `call`
   * stage plugin uses to execute a plan). Throws GatewayError.
   */
  invoke(ctx: RequestContext, target: Deployment): Promise<CallResult>;
  /**
   * Cooldowns, in-flight counts, latency averages and usage windows, shared by the routing and
   * fallback plugins: in memory unless a plugin provides another implementation (Redis).
   */
  readonly state: SharedState;
  /** Replaces the in-memory shared state (one plugin at most, e.g. `state-redis`). */
  provideState(state: SharedState): void;
  /** Route-stage load-balancing strategies, chosen per model group by `routing`. */
  readonly strategies: Pick<StrategyRegistry, 'register' | 'get' | 'has' | 'names'>;
  /** Adds a check to `GET /health/readiness`. */
  readiness(name: string, check: () => ReadinessReport | Promise<ReadinessReport>): void;
  /**
   * Adds an HTTP route (an admin API, a page, another inbound format), mounted at start-up with
   * the gateway's auth, body limits, request ids and error envelopes. Paths taken by the core or
   * by another plugin fail start-up.
   */
  route(route: PluginRoute): void;
  /**
   * Every stream's usage is needed (spend, token limits, metrics): streams whose client did not
   * ask for `stream_options.include_usage` ask upstream anyway, and the usage-only chunk that
   * comes back is read by the gateway but not sent to that client.
   */
  needStreamUsage(): void;
  /** Runs on shutdown, after the server stops taking requests, in reverse set-up order. */
  onClose(fn: () => void | Promise<void>): void;
}

/**
 * A plugin: a named object whose `setup` taps the stages. Options come through a factory
 * (`definePlugin`), state lives in the factory's closure.
 */
export interface Plugin {
  /** Unique, kebab-case; also the default tap name and the `plugin` log field. */
  readonly name: string;
  /** Plugins that must be set up first; a missing one fails start-up naming both. */
  readonly dependsOn?: readonly string[];
  /**
   * Stages this plugin takes over: its tap answers every call and never passes, so a second
   * plugin claiming the same stage would silently never run. Two claims fail start-up (and
   * `switchyard check`) naming both plugins. The fallback strategies claim `call`.
   */
  readonly owns?: readonly ExclusiveStage[];
  setup(gateway: GatewayApi): void | Promise<void>;
  /** Set by `definePlugin` when the options failed their schema; start-up reports them all. */
  readonly optionProblems?: readonly ConfigProblem[];
}

/** Makes a plugin from options. `optionsSchema` is checked before the plugin is built. */
export interface PluginFactory<O> {
  /** Options may be left out when every one of them is optional (`requestLog()`). */
  (...options: {} extends O ? [options?: O] : [options: O]): Plugin;
  readonly optionsSchema?: TSchema;
}

/**
 * Declares a plugin factory. With a TypeBox schema, options are validated (ajv) before `make`
 * runs, and every problem is reported, with its path, before the server starts.
 *
 * @example
 * export default definePlugin(Type.Object({ header: Type.String() }), (opts) => ({
 *   name: 'tenant-tag',
 *   setup({ hooks }) {
 *     hooks.transform.request.tapPromise('tenant-tag', async (request, ctx) => {
 *       const tenant = ctx.headers[opts.header];
 *       return typeof tenant === 'string' ? { ...request, user: tenant } : request;
 *     });
 *   },
 * }));
 */
export function definePlugin<S extends TSchema>(schema: S, make: (options: Static<S>) => Plugin): PluginFactory<Static<S>>;
export function definePlugin<O = void>(make: (options: O) => Plugin): PluginFactory<O>;
export function definePlugin(
  schemaOrMake: TSchema | ((options: unknown) => Plugin),
  maybeMake?: (options: unknown) => Plugin,
): PluginFactory<unknown> {
  if (typeof schemaOrMake === 'function') {
    return (options: unknown) => schemaOrMake(options);
  }
  const schema = schemaOrMake;
  const make = maybeMake as (options: unknown) => Plugin;
  let validate: ((value: unknown) => ConfigProblem[]) | undefined;
  // Left-out options are the empty object, so `'switchyard/plugins/log/pino'` works as a specifier.
  const factory = (options: unknown = {}): Plugin => {
    validate ??= compileConfigSchema(schema);
    const problems = validate(options);
    if (problems.length > 0) {
      const name = typeof schema.title === 'string' ? schema.title : 'plugin';
      return {
        name: `${name} (invalid options)`,
        optionProblems: problems,
        setup() {
          throw new Error(`plugin '${name}' has invalid options`);
        },
      };
    }
    return make(options);
  };
  return Object.assign(factory, { optionsSchema: schema });
}
