/**
 * "Switchyard full" in the benchmark: the default preset's plugins (OpenAI-compatible provider
 * from OPENAI_API_KEY/OPENAI_BASE_URL, master key from SWITCHYARD_MASTER_KEY, model routing,
 * ordered fallback, pino request log) plus a model group with a fallback group and the in-memory
 * cache (plugins/cache/memory/README.md: ttl 10 minutes, the default 64 MiB / 10,000 entries,
 * mode `all` so the benchmark's temperature-0.2 requests are looked up). Every saturation and
 * latency request is unique, so the cache is looked up and missed (and stored into) on every
 * call; the cache-hit scenario repeats one request to measure hits.
 */
import { defineConfig } from 'switchyard';
import memoryCache from 'switchyard/plugins/cache/memory';
import { defaultPlugins } from 'switchyard/plugins/presets/default';
import { benchModels } from './models.ts';

export default defineConfig({
  plugins: [...defaultPlugins(), memoryCache({ ttlSeconds: 600, mode: 'all' })],
  models: benchModels,
});
