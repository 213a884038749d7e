import { defineConfig, type GatewayConfig, type Plugin } from 'switchyard';
import masterKey from '../auth/master-key/index.ts';
import orderedFallback from '../fallback/ordered/index.ts';
import requestLog from '../log/pino/index.ts';
import modelRouting from '../routing/models/index.ts';
import { modelAliasGroups, type ModelAliasOverrides } from './model-aliases.ts';
import { providersFromEnv, type Env } from './providers-from-env.ts';

/** The master key: `SWITCHYARD_MASTER_KEY`, or LiteLLM's name for teams moving over. */
export function masterKeyFromEnv(env: Env): string | undefined {
  const key = env.SWITCHYARD_MASTER_KEY ?? env.LITELLM_MASTER_KEY;
  return key === '' ? undefined : key;
}

/**
 * The drop-in gateway's plugins: every provider with credentials in the environment, the master
 * key, model routing with provider naming, ordered fallback and the request log. Compose with it:
 *
 * @example
 * export default defineConfig({ plugins: [...defaultPlugins(), myPlugin()], models: [...] });
 */
export function defaultPlugins(env: Env = process.env): Plugin[] {
  const key = masterKeyFromEnv(env);
  return [
    ...providersFromEnv(env),
    masterKey(key === undefined ? {} : { key }),
    modelRouting({}),
    orderedFallback({}),
    requestLog({}),
  ];
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
