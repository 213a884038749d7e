/**
 * The cache-hit scenario's Redis target (started only when REDIS_URL is set): "Switchyard full"
 * with `plugins/cache/redis` in place of the memory cache. Keys go under BENCH_REDIS_PREFIX, which
 * the harness makes unique per run and deletes afterwards.
 */
import { defineConfig } from 'switchyard';
import redisCache from 'switchyard/plugins/cache/redis';
import { defaultPlugins } from 'switchyard/plugins/presets/default';
import { benchModels } from './models.ts';

export default defineConfig({
  plugins: [
    ...defaultPlugins(),
    redisCache({ ttlSeconds: 600, mode: 'all', keyPrefix: process.env.BENCH_REDIS_PREFIX ?? 'switchyard-bench:' }),
  ],
  models: benchModels,
});
