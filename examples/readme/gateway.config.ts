// examples/readme/gateway.config.ts
import { defineConfig } from 'switchyard';
import { defaultPlugins } from 'switchyard/plugins/presets/default';

export default defineConfig({
  server: { port: 4000, host: '0.0.0.0', bodyLimit: 20 * 1024 * 1024, shutdownGraceMs: 10_000 },
  settings: { maxAttempts: 3, dropUnsupportedParams: false }, // timeout: see Upstream time limits
  plugins: [...defaultPlugins()], // instances, 'specifiers', or ['specifier', options]
  models: [{ name: 'smart', deployments: [{ provider: 'openai', model: 'gpt-4o' }] }], // model groups
});
