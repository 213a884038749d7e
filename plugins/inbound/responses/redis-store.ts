import { Redis } from 'ioredis';
import { GatewayError } from 'switchyard';
import type { ResponseStore, StoredResponse } from './store.ts';

export interface RedisResponseStoreOptions {
  readonly url: string;
  /** Prepended to every key (default `switchyard:responses:`). */
  readonly keyPrefix?: string;
  /** Longest a read or write may take (ms, default 2000). */
  readonly commandTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

export const defaultKeyPrefix = 'switchyard:responses:';

/**
 * Records in Redis as JSON with an expiry (`SET … EX`), so every gateway instance can continue a
 * conversation another one started. Unlike a cache, a lost record is a client-visible error, so
 * a Redis failure is reported (503), not read as a miss.
 */
export class RedisResponseStore implements ResponseStore {
  readonly #client: Redis;
  #connecting: Promise<void> | undefined;

  constructor(options: RedisResponseStoreOptions) {
    this.#client = new Redis(options.url, {
      keyPrefix: options.keyPrefix ?? defaultKeyPrefix,
      // Fail at once while disconnected instead of queueing requests behind a reconnect.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      connectTimeout: options.connectTimeoutMs ?? 5000,
      retryStrategy: (times) => Math.min(times * 100, 2000),
      lazyConnect: true,
    });
    // Without a listener ioredis reports every failed reconnection as unhandled; commands report their own failure.
    this.#client.on('error', () => undefined);
  }

  async put(record: StoredResponse, ttlSeconds: number): Promise<void> {
    await this.#run(() => this.#client.set(record.response.id, JSON.stringify(record), 'EX', ttlSeconds));
  }

  async get(id: string): Promise<StoredResponse | undefined> {
    const text = await this.#run(() => this.#client.get(id));
    return text === null ? undefined : (JSON.parse(text) as StoredResponse);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.#run(() => this.#client.del(id))) > 0;
  }

  async close(): Promise<void> {
    if (this.#client.status === 'ready') await this.#client.quit().catch(() => this.#client.disconnect());
    else this.#client.disconnect();
  }

  async #run<T>(command: () => Promise<T>): Promise<T> {
    try {
      // Connected on first use, once, however many commands arrive together.
      if (this.#client.status === 'wait') {
        this.#connecting ??= this.#client.connect().finally(() => {
          this.#connecting = undefined;
        });
      }
      if (this.#connecting !== undefined) await this.#connecting;
      return await command();
    } catch (err) {
      throw new GatewayError(503, 'service_unavailable_error', 'the response store is unavailable', { code: 'response_store_unavailable', cause: err });
    }
  }
}

