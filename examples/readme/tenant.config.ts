// examples/readme/tenant.config.ts
import { defineConfig } from 'switchyard';
import { defaultPlugins } from 'switchyard/plugins/presets/default';

export default defineConfig({
  plugins: [...defaultPlugins(), ['./plugins/tenant-tag.ts', { header: 'x-tenant' }]],
});
