/**
 * The default gateway plus an in-house plugin (examples/plugins/tenant-tag.ts).
 *
 * Run:
 *   SWITCHYARD_MASTER_KEY=sk-local OPENAI_API_KEY=sk-… node bin/switchyard.js --config examples/gateway.with-plugin.config.ts
 *   curl localhost:4000/v1/chat/completions -H 'Authorization: Bearer sk-local' -H 'x-tenant-id: acme' \
 *     -H 'Content-Type: application/json' -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}' -i
 *   # → the response carries `x-tenant: acme`, and the upstream request `"user": "acme"`.
 *
 * A plugin is loaded in one of two ways (not both at once: plugin names must be unique):
 *   - as a module specifier with options (the default export below): the path is relative to this
 *     file; a package name (`'@acme/switchyard-tenant-tag'`) works the same way;
 *   - as an instance, imported and called like the built-in plugins (`withInstance` below).
 */
import { defineConfig } from 'switchyard';
import { defaultPlugins } from 'switchyard/plugins/presets/default';
import tenantTag from './plugins/tenant-tag.ts';

/** The same gateway, with the plugin as an instance: options are type-checked by the editor too. */
export const withInstance = defineConfig({
  plugins: [...defaultPlugins(), tenantTag({ header: 'x-tenant-id', responseHeader: 'x-tenant' })],
});

export default defineConfig({
  plugins: [...defaultPlugins(), ['./plugins/tenant-tag.ts', { header: 'x-tenant-id', responseHeader: 'x-tenant' }]],
});
