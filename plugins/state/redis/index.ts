import { Type } from '@sinclair/typebox';
import { definePlugin } from 'switchyard';
import { RedisState } from './redis-state.ts';

export const RedisStateOptions = Type.Object(
  {
    /** redis:// or rediss:// URL; defaults to `REDIS_URL`. */
    url: Type.Optional(Type.String({ minLength: 1 })),
    /** Key prefix (default `switchyard:`); gateways that must agree share it. */
    prefix: Type.Optional(Type.String()),
    /** How long a latency average lives without a new sample, ms (default 1 hour). */
    latencyTtlMs: Type.Optional(Type.Integer({ minimum: 1000 })),
  },
  { additionalProperties: false, title: 'state-redis' },
);

/**
 * Provides the gateway's shared state (cooldowns, in-flight counts, latency averages, rpm/tpm
 * usage) in Redis, so several instances behind a load balancer agree. Put it anywhere in the
 * plugin list; the routing and fallback plugins pick it up. With no URL, it does nothing.
 */
export default definePlugin(RedisStateOptions, (options) => ({
  name: 'state-redis',
  async setup(gateway) {
    const url = options.url ?? process.env.REDIS_URL;
    if (url === undefined || url === '') {
      gateway.log.warn('no redis url (REDIS_URL): shared state stays in memory');
      return;
    }
    const state = new RedisState({
      url,
      prefix: options.prefix ?? 'switchyard:',
      latencyTtlMs: options.latencyTtlMs ?? 3_600_000,
      log: gateway.log,
    });
    try {
      gateway.provideState(state);
    } catch (err) {
      // Another plugin provides the state already: this connection would otherwise stay open.
      await state.close();
      throw err;
    }
    gateway.readiness('shared-state', () => state.health());
    gateway.onClose(() => state.close());
    // Start-up does not wait for Redis: the gateway serves (per instance) until it connects.
    if (!(await state.ready(1_000))) gateway.log.warn('redis not reachable yet: serving with per-instance state');
  },
}));

export { RedisState } from './redis-state.ts';
