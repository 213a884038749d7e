import { Order, type GatewayApi, type Plugin } from 'switchyard';
import type { CacheBackend } from './backend.ts';
import { ResponseCache } from './cache.ts';
import { cachePolicy, type SharedCacheOptions } from './options.ts';

/**
 * A cache plugin around one backend. Every backend gets the same behaviour (keys, controls,
 * replay, coalescing, embeddings per input), so switching backends is one config line.
 */
export function cachePlugin(defaultName: string, options: SharedCacheOptions, makeBackend: (gateway: GatewayApi) => CacheBackend): Plugin {
  const name = options.name ?? defaultName;
  const policy = cachePolicy(options);
  return {
    name,
    async setup(gateway) {
      const backend = makeBackend(gateway);
      gateway.onClose(() => backend.close());
      await backend.start?.();
      const cache = new ResponseCache(policy, backend, gateway.log);
      const { hooks } = gateway;
      hooks.cache.lookup.tapPromise(name, (ctx) => cache.lookup(ctx));
      hooks.cache.store.tapPromise(name, (ctx, result) => cache.store(ctx, result));
      // First, so every other response tap sees the whole embeddings batch.
      if (policy.operations.has('embeddings')) {
        // Only a narrowed batch needs merging, and its lookup keeps that answer held (embeddings.ts).
        hooks.transform.response.tapPromise({ name, stage: Order.first, onlyHeldAnswers: true }, async (result, ctx) =>
          cache.mergeResponse(result, ctx),
        );
      }
      // Every request ends in `log`, failures included: where a failed leader frees its waiters.
      hooks.log.tapPromise({ name, stage: Order.first }, async (ctx) => cache.end(ctx));
      gateway.readiness(name, () => backend.readiness());
    },
  };
}
