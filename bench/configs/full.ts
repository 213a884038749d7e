/**
 * "Switchyard full" in the benchmark: the default preset's plugins (OpenAI-compatible provider
 * from OPENAI_API_KEY/OPENAI_BASE_URL, master key from SWITCHYARD_MASTER_KEY, model routing,
 * ordered fallback, pino request log) plus a model group with a fallback group and, when the
 * plugin exists in this tree, the in-memory cache. Every benchmark request is unique, so the
 * cache is looked up and missed (and stored into) on every call.
 */
import { existsSync } from 'node:fs';
import { defineConfig, type Plugin } from 'switchyard';
import { defaultPlugins } from 'switchyard/plugins/presets/default';

const cachePlugin = new URL('../../plugins/cache/memory/index.ts', import.meta.url);

async function memoryCache(): Promise<Plugin[]> {
  if (!existsSync(cachePlugin)) return [];
  const mod = (await import(cachePlugin.href)) as { default: (options: { ttlSeconds: number }) => Plugin };
  return [mod.default({ ttlSeconds: 600 })];
}

export default defineConfig({
  plugins: [...defaultPlugins(), ...(await memoryCache())],
  models: [
    {
      name: 'bench',
      deployments: [{ provider: 'openai', model: 'gpt-4o-mini' }],
      fallbacks: ['bench-backup'],
      timeout: 30_000,
    },
    { name: 'bench-backup', deployments: [{ provider: 'openai', model: 'gpt-4o' }] },
  ],
});
