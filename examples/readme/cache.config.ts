// examples/readme/cache.config.ts
import { defineConfig } from 'switchyard';
import memoryCache from 'switchyard/plugins/cache/memory';
import { defaultPlugins } from 'switchyard/plugins/presets/default';

export default defineConfig({
  plugins: [...defaultPlugins(), memoryCache({ ttlSeconds: 600 })],
  // or, shared by every instance (import redisCache from 'switchyard/plugins/cache/redis'):
  //   redisCache({ url: process.env.REDIS_URL, ttlSeconds: 600 })
});
