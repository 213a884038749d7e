// examples/readme/plugins/tenant-tag.ts
import { Type } from '@sinclair/typebox';
import { definePlugin } from 'switchyard';

// Per-request state for this plugin, typed by declaration merging.
declare module 'switchyard' {
  interface ContextState {
    tenant?: string;
  }
}

export default definePlugin(Type.Object({ header: Type.String() }), (opts) => ({
  name: 'tenant-tag',
  setup({ hooks }) {
    hooks.transform.request.tapPromise('tenant-tag', async (request, ctx) => {
      const tenant = ctx.headers[opts.header];
      if (typeof tenant !== 'string') return request;
      ctx.state.tenant = tenant;
      return { ...request, user: tenant };
    });
  },
}));
