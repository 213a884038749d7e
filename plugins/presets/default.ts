import { defineConfig, type GatewayConfig, type Plugin } from 'switchyard';
import adminUi from '../admin-ui/index.ts';
import masterKey from '../auth/master-key/index.ts';
import keys, { type KeysOptions } from '../keys/index.ts';
import metrics, { type MetricsOptions } from '../metrics/index.ts';
import orderedFallback from '../fallback/ordered/index.ts';
import inboundMessages from '../inbound/messages/index.ts';
import inboundResponses from '../inbound/responses/index.ts';
import requestLog from '../log/pino/index.ts';
import modelRouting from '../routing/models/index.ts';
import otel from '../otel/index.ts';
import { modelAliasGroups, type ModelAliasOverrides } from './model-aliases.ts';
import { noProviders } from './no-providers.ts';
import { otelFromEnv } from './otel-from-env.ts';
import { providersFromEnv, type Env } from './providers-from-env.ts';

/** What the default preset lets a config change without rebuilding the list by hand. */
export interface PresetOptions {
  /**
   * The call-stage strategy, in place of `fallback-ordered` (e.g. `resilient({...})`). Only one
   * plugin may own the call stage, so adding a second one beside the preset's is an error.
   */
  readonly fallback?: Plugin;
  /**
   * Options for the `keys` plugin, loaded when a master key is set (virtual keys, limits, budgets,
   * spend, the admin API). Its store and counters still come from the environment unless set here.
   */
  readonly keys?: Omit<KeysOptions, 'masterKey'>;
  /**
   * Options for the `metrics` plugin (`GET /metrics` behind the master key), loaded when a master
   * key is set; `false` leaves it out.
   */
  readonly metrics?: MetricsOptions | false;
}

/** The master key: `SWITCHYARD_MASTER_KEY`, or LiteLLM's name for teams moving over. */
export function masterKeyFromEnv(env: Env): string | undefined {
  const key = env.SWITCHYARD_MASTER_KEY ?? env.LITELLM_MASTER_KEY;
  return key === '' ? undefined : key;
}

/**
 * The drop-in gateway's plugins: every provider with credentials in the environment, the master
 * key (with it, virtual keys, Prometheus metrics and the admin page at /ui), model routing with
 * provider naming, ordered fallback (or `options.fallback`), the request log, the Messages and
 * Responses APIs, and OTLP traces when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. Compose with it:
 *
 * @example
 * export default defineConfig({ plugins: [...defaultPlugins(), myPlugin()], models: [...] });
 * // another call strategy:
 * defaultPlugins(process.env, { fallback: resilient({ cooldown: { failures: 3, seconds: 30 } }) });
 */
export function defaultPlugins(env: Env = process.env, options: PresetOptions = {}): Plugin[] {
  const key = masterKeyFromEnv(env);
  const providers = providersFromEnv(env);
  const traces = otelFromEnv(env);
  return [
    // None enabled (no key set, or a mistyped name): say so at start-up and in every 404.
    ...(providers.length > 0 ? providers : [noProviders(env)]),
    // With a master key, virtual keys too: the keys plugin checks the master key itself.
    key === undefined ? masterKey({}) : keys({ masterKey: key, ...keysStorageFromEnv(env), ...options.keys }),
    // Prometheus metrics behind that master key (without one, nothing would guard them).
    ...(key === undefined || options.metrics === false ? [] : [metrics(options.metrics ?? {})]),
    // The admin page (GET /ui) drives the keys plugin's admin API: only with a master key to sign in with.
    ...(key === undefined ? [] : [adminUi()]),
    modelRouting({}),
    options.fallback ?? orderedFallback({}),
    requestLog({}),
    // Anthropic's Messages API (/v1/messages) over every provider: routes only, no cost per chat call.
    inboundMessages(),
    // OpenAI's Responses API (/v1/responses) over every provider; its store in Redis when REDIS_URL is set.
    inboundResponses({ redisUrl: env.REDIS_URL }),
    // OpenTelemetry traces (the SDK is loaded only then), from the standard OTEL_* variables.
    ...(traces === undefined ? [] : [otel(traces)]),
  ];
}

/**
 * Where the keys plugin keeps its records and counters: `DATABASE_URL`, `SWITCHYARD_DATA_DIR`,
 * `REDIS_URL` (and `SWITCHYARD_REDIS_PREFIX`, which `switchyard keys` reads too, so its changes
 * reach the gateways' invalidation channel).
 */
export function keysStorageFromEnv(env: Env): Pick<KeysOptions, 'databaseUrl' | 'dataDir' | 'redisUrl' | 'redisPrefix'> {
  const set = (v: string | undefined): v is string => v !== undefined && v !== '';
  return {
    ...(set(env.DATABASE_URL) ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(set(env.SWITCHYARD_DATA_DIR) ? { dataDir: env.SWITCHYARD_DATA_DIR } : {}),
    ...(set(env.REDIS_URL) ? { redisUrl: env.REDIS_URL } : {}),
    ...(set(env.SWITCHYARD_REDIS_PREFIX) ? { redisPrefix: env.SWITCHYARD_REDIS_PREFIX } : {}),
  };
}

export interface DefaultConfigOptions {
  /** Changes to the undated-name table (model-aliases.ts): a new target, or `null` to drop a name. */
  readonly modelAliases?: ModelAliasOverrides;
}

/**
 * The drop-in gateway: `npm start` with no `gateway.config.ts` runs exactly this. Its model
 * groups are the undated names (`claude-3-5-sonnet`…) of the enabled providers, mapped to ids.
 */
export function defaultConfig(env: Env = process.env, options: DefaultConfigOptions = {}): GatewayConfig {
  const models = modelAliasGroups(env, options.modelAliases);
  return defineConfig({ plugins: defaultPlugins(env), ...(models.length === 0 ? {} : { models }) });
}

export { modelAliases, modelAliasGroups, type ModelAlias, type ModelAliasOverrides } from './model-aliases.ts';

export default defaultConfig;
