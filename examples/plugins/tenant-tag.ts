/**
 * An in-house plugin: tags each request with the caller's tenant, taken from a request header.
 * The tenant becomes OpenAI's `user` field (so the provider's abuse monitoring and usage reports
 * see it) and is echoed in a response header. Load it from a config, as an instance or as
 * `['./plugins/tenant-tag.ts', { header: 'x-tenant-id' }]`: see examples/gateway.with-plugin.config.ts.
 */
import { Type } from '@sinclair/typebox';
import { definePlugin } from 'switchyard';

const Options = Type.Object(
  {
    header: Type.String({ minLength: 1, description: 'Request header holding the tenant (lower case)' }),
    responseHeader: Type.Optional(Type.String({ minLength: 1, description: 'Response header echoing it (default x-tenant)' })),
  },
  { additionalProperties: false, title: 'tenant-tag' },
);

export default definePlugin(Options, ({ header, responseHeader = 'x-tenant' }) => {
  const name = header.toLowerCase(); // Node lower-cases incoming header names
  return {
    name: 'tenant-tag',
    setup({ hooks }) {
      hooks.transform.request.tapPromise('tenant-tag', async (request, ctx) => {
        const tenant = ctx.headers[name];
        if (typeof tenant !== 'string' || tenant === '') return request;
        ctx.responseHeaders[responseHeader] = tenant;
        return { ...request, user: tenant };
      });
    },
  };
});
