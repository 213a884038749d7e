import { Redis } from 'ioredis';
import type { Logger, ReadinessReport } from 'switchyard';
import type { CacheBackend } from '../shared/backend.ts';
import { pack, unpack, type Compression } from './compress.ts';
import { RateLimitedWarning } from './warn.ts';

export interface RedisBackendOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly compression: Compression;
  readonly compressAboveBytes: number;
  /** Longest a cache read or write may take before it counts as a miss (ms). */
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** Longest pause between reconnection attempts (ms). */
  readonly reconnectMaxDelayMs: number;
  readonly warnIntervalMs: number;
  readonly log: Logger;
}

/**
 * Entries in Redis, shared by every gateway instance that points at it. Never holds a request
 * up: commands are not queued while disconnected (they fail at once and count as misses), each
 * has a short timeout, and the client reconnects on its own, forever, with a capped backoff.
 */
export class RedisBackend implements CacheBackend {
  readonly kind = 'redis';
  readonly #client: Redis;
  readonly #options: RedisBackendOptions;
  readonly #warning: RateLimitedWarning;
  #wasDown = false;

  constructor(options: RedisBackendOptions) {
    this.#options = options;
    this.#warning = new RateLimitedWarning(options.log, options.warnIntervalMs);
    this.#client = new Redis(options.url, {
      keyPrefix: options.keyPrefix,
      enableOfflineQueue: false,
      // A command caught by a dropped connection fails now instead of waiting for a reconnect.
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: options.connectTimeoutMs,
      retryStrategy: (times) => Math.min(times * 100, options.reconnectMaxDelayMs),
    });
    // Without a listener ioredis would report every failed reconnection as unhandled.
    this.#client.on('error', (err: unknown) => {
      this.#wasDown = true;
      this.#warning.warn(err, 'redis cache unreachable: serving without cache');
    });
    this.#client.on('ready', () => {
      if (this.#wasDown) options.log.info('redis cache reconnected');
      this.#wasDown = false;
    });
  }

  /** Resolves once connected, or after `connectTimeoutMs`: a dead Redis delays start-up, never stops it. */
  async start(): Promise<void> {
    if (this.#client.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#client.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, this.#options.connectTimeoutMs);
      this.#client.on('ready', done);
    });
  }

  async get(key: string): Promise<string | undefined> {
    try {
      const value = await this.#client.getBuffer(key);
      return value === null ? undefined : await unpack(value);
    } catch (err) {
      this.#warning.warn(err, 'redis cache read failed: treated as a miss');
      return undefined;
    }
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    try {
      const values = await this.#client.mgetBuffer(...keys);
      return await Promise.all(values.map((v) => (v === null ? undefined : unpack(v))));
    } catch (err) {
      this.#warning.warn(err, 'redis cache read failed: treated as a miss');
      return keys.map(() => undefined);
    }
  }

  async set(entries: readonly (readonly [string, string])[], ttlSeconds: number): Promise<void> {
    try {
      const { compression, compressAboveBytes } = this.#options;
      const packed = await Promise.all(entries.map(([, value]) => pack(value, compression, compressAboveBytes)));
      if (packed.length === 1) {
        await this.#client.set(entries[0]?.[0] as string, packed[0] as Buffer, 'EX', ttlSeconds);
        return;
      }
      const batch = this.#client.pipeline();
      entries.forEach(([key], i) => batch.set(key, packed[i] as Buffer, 'EX', ttlSeconds));
      await batch.exec();
    } catch (err) {
      this.#warning.warn(err, 'redis cache write failed: entry dropped');
    }
  }

  readiness(): ReadinessReport {
    const status = this.#client.status;
    return status === 'ready' ? { status: 'ok' } : { status: 'degraded', detail: { redis: status } };
  }

  async close(): Promise<void> {
    if (this.#client.status === 'ready') {
      await this.#client.quit().catch(() => this.#client.disconnect());
    } else {
      this.#client.disconnect();
    }
  }
}
