import type { Plugin } from '../plugin.ts';
import type { GatewaySettings, ModelGroup, ServerSettings } from './schema.ts';

/**
 * A plugin in the config: an instance, a module specifier (`'./plugins/acme.ts'`,
 * `'@acme/switchyard-plugin'`) whose default export is a factory or a plugin, or a specifier
 * with the options for its factory.
 */
export type PluginEntry = Plugin | string | readonly [specifier: string, options: unknown];

export interface GatewayConfig {
  readonly server?: ServerSettings;
  readonly settings?: GatewaySettings;
  readonly plugins: readonly PluginEntry[];
  readonly models?: readonly ModelGroup[];
}

/**
 * Types a gateway config. Returns the object it was given, so configs compose with spreads.
 *
 * @example
 * export default defineConfig({
 *   plugins: [openai({ apiKey: process.env.OPENAI_API_KEY }), masterKey({ key: process.env.SWITCHYARD_MASTER_KEY })],
 *   models: [{ name: 'smart', deployments: [{ provider: 'openai', model: 'gpt-4o' }] }],
 * });
 */
export function defineConfig<const C extends GatewayConfig>(config: C): C {
  return config;
}
