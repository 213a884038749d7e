import type { Redis } from 'ioredis';
import type { Logger } from 'switchyard';

/** What changed: keys by token hash, teams by id. Hashes only; never a plaintext key. */
export interface Invalidation {
  readonly tokens?: readonly string[];
  readonly teams?: readonly string[];
}

/** The Redis key prefix of the keys plugin's counters and channel unless `redisPrefix` says otherwise. */
export const DEFAULT_REDIS_PREFIX = 'switchyard:';

/** The pub/sub channel every instance under `prefix` listens on, and the admin API and CLI publish to. */
export const invalidationChannel = (prefix: string): string => `${prefix}keys:invalidate`;

export type InvalidationListener = (change: Invalidation | 'all') => void;

/**
 * Tells every instance's record caches what the admin API changed. Without Redis there is one
 * instance, and the change is applied locally at once. With Redis, a change is published on one
 * channel and applied by every subscriber, this instance included; while the subscription is
 * down (reconnecting), changes may be missed, so every cache is dropped when it comes back.
 */
export interface InvalidationBus {
  publish(change: Invalidation): Promise<void>;
  close(): Promise<void>;
}

export function localBus(listener: InvalidationListener): InvalidationBus {
  return {
    publish: async (change) => listener(change),
    close: async () => undefined,
  };
}

export interface RedisBusOptions {
  /** Publishes (a connection that may also run commands). */
  readonly publisher: Redis;
  /** A connection of its own: a subscribed Redis connection runs nothing else. */
  readonly subscriber: Redis;
  readonly channel: string;
  readonly log: Logger;
}

export async function redisBus(options: RedisBusOptions, listener: InvalidationListener): Promise<InvalidationBus> {
  const { publisher, subscriber, channel, log } = options;
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    try {
      listener(JSON.parse(message) as Invalidation);
    } catch (err) {
      log.warn({ err }, 'unreadable key invalidation message: dropping every cached key');
      listener('all');
    }
  });
  // Resubscribed after a reconnect (ioredis does it); what was published meanwhile is lost.
  subscriber.on('ready', () => listener('all'));
  await subscriber.subscribe(channel);
  return {
    async publish(change) {
      // Applied here at once too: this instance must not wait for its own message.
      listener(change);
      await publisher.publish(channel, JSON.stringify(change));
    },
    async close() {
      subscriber.removeAllListeners('message');
      subscriber.disconnect();
    },
  };
}
