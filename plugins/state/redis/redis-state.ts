import { Redis } from 'ioredis';
import {
  circuitOf,
  closedCircuit,
  cooldownRecord,
  MemoryState,
  noUsage,
  slidingUsage,
  usageWindowMs,
  type Circuit,
  type Cooldown,
  type CooldownInit,
  type CooldownRecord,
  type LatencyKind,
  type Logger,
  type OutcomeCounts,
  type SharedState,
  type StateHealth,
  type UsageWindow,
} from 'switchyard';
import { ewmaScript, outcomeScript, releaseScript } from './scripts.ts';

interface Scripted {
  syRelease(key: string, ttlMs: number): Promise<number>;
  syEwma(key: string, sample: number, alpha: number, ttlMs: number): Promise<string>;
  syOutcome(key: string, failed: string, ttlMs: number): Promise<[number, number]>;
}
type ScriptedRedis = Redis & Scripted;

export interface RedisStateOptions {
  readonly url: string;
  /** Prepended to every key, so several gateways (or tests) can share one Redis. */
  readonly prefix: string;
  /** How long latency averages live without a new sample, ms. */
  readonly latencyTtlMs: number;
  readonly log: Logger;
}

/**
 * Shared state in Redis, so gateway instances agree on cooldowns, in-flight counts, latency and
 * usage. Every key carries the prefix and a TTL. While Redis is unreachable, each operation is
 * served by an in-process fallback (the gateway keeps serving, with per-instance state), a
 * warning is logged once per outage, and readiness reports `degraded`.
 */
export class RedisState implements SharedState {
  readonly kind = 'redis';
  readonly #redis: ScriptedRedis;
  readonly #p: string;
  readonly #fallback = new MemoryState();
  readonly #log: Logger;
  readonly #latencyTtlMs: number;
  #warned = false;
  #closed = false;

  constructor(options: RedisStateOptions) {
    this.#p = options.prefix;
    this.#log = options.log;
    this.#latencyTtlMs = options.latencyTtlMs;
    const redis = new Redis(options.url, {
      // Fail fast while disconnected: the fallback answers instead of requests queueing.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      enableAutoPipelining: true,
      lazyConnect: false,
      retryStrategy: (times) => Math.min(times * 200, 5_000),
    });
    redis.defineCommand('syRelease', { numberOfKeys: 1, lua: releaseScript });
    redis.defineCommand('syEwma', { numberOfKeys: 1, lua: ewmaScript });
    redis.defineCommand('syOutcome', { numberOfKeys: 1, lua: outcomeScript });
    redis.on('error', (err: Error) => this.#down(err));
    redis.on('ready', () => {
      if (this.#warned) this.#log.info('redis reachable again, shared state restored');
      this.#warned = false;
    });
    this.#redis = redis as ScriptedRedis;
  }

  /** Resolves when connected (or rejects after `ms`), for start-up checks and tests. */
  async ready(ms = 2_000): Promise<boolean> {
    if (this.#redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), ms);
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.#redis.off('ready', onReady);
        resolve(ok);
      };
      const onReady = (): void => done(true);
      this.#redis.once('ready', onReady);
    });
  }

  #down(err: unknown): void {
    if (this.#warned || this.#closed) return;
    this.#warned = true;
    this.#log.warn({ err: (err as Error).message }, 'redis unreachable: shared state falls back to this instance');
  }

  /** Runs on Redis while it is up, else (or on error) on the in-process fallback. */
  async #use<T>(remote: (r: ScriptedRedis) => Promise<T>, local: (m: MemoryState) => Promise<T>): Promise<T> {
    if (this.#redis.status !== 'ready') {
      this.#down(new Error(`redis ${this.#redis.status}`));
      return local(this.#fallback);
    }
    try {
      return await remote(this.#redis);
    } catch (err) {
      this.#down(err);
      return local(this.#fallback);
    }
  }

  #k(kind: string, id: string): string {
    return `${this.#p}${kind}:${id}`;
  }

  setCooldown(id: string, init: CooldownInit): Promise<void> {
    const record = cooldownRecord(init);
    const ttl = Math.max(1, Math.ceil(record.expires - init.now));
    return this.#use(
      async (r) => {
        await r.multi().set(this.#k('cd', id), JSON.stringify(record), 'PX', ttl).del(this.#k('probe', id)).exec();
      },
      (m) => m.setCooldown(id, init),
    );
  }

  circuits(ids: readonly string[], now: number): Promise<readonly Circuit[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.#use(
      async (r) => {
        const raw = await r.mget(ids.map((id) => this.#k('cd', id)));
        return raw.map((value) => circuitFrom(value, now));
      },
      (m) => m.circuits(ids, now),
    );
  }

  listCooldowns(now: number): Promise<readonly Cooldown[]> {
    return this.#use(
      async (r) => {
        const keys: string[] = [];
        const prefix = this.#k('cd', '');
        let cursor = '0';
        do {
          const [next, batch] = await r.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 200);
          cursor = next;
          keys.push(...batch);
        } while (cursor !== '0');
        if (keys.length === 0) return [];
        const raw = await r.mget(keys);
        const out: Cooldown[] = [];
        keys.forEach((key, i) => {
          const c = circuitFrom(raw[i] ?? null, now);
          if (c.state !== 'closed') out.push({ deployment: key.slice(prefix.length), state: c.state, until: c.until ?? now, reason: c.reason ?? '' });
        });
        return out;
      },
      (m) => m.listCooldowns(now),
    );
  }

  clearCooldown(id: string): Promise<void> {
    return this.#use(
      async (r) => {
        await r.del(this.#k('cd', id), this.#k('probe', id));
      },
      (m) => m.clearCooldown(id),
    );
  }

  claimProbe(id: string, now: number, ttlMs: number): Promise<boolean> {
    return this.#use(
      async (r) => (await r.set(this.#k('probe', id), String(now), 'PX', ttlMs, 'NX')) === 'OK',
      (m) => m.claimProbe(id, now, ttlMs),
    );
  }

  recordOutcome(id: string, failed: boolean, now: number, windowMs: number): Promise<OutcomeCounts> {
    const start = now - (now % windowMs);
    return this.#use(
      async (r) => {
        const [failures, total] = await r.syOutcome(this.#k('out', `${id}:${start}`), failed ? '1' : '0', windowMs * 2);
        return { failures: Number(failures), total: Number(total) };
      },
      (m) => m.recordOutcome(id, failed, now, windowMs),
    );
  }

  acquire(id: string, ttlMs: number): Promise<void> {
    return this.#use(
      async (r) => {
        await r.multi().incr(this.#k('busy', id)).pexpire(this.#k('busy', id), ttlMs).exec();
      },
      (m) => m.acquire(id, ttlMs),
    );
  }

  release(id: string, ttlMs: number): Promise<void> {
    return this.#use(
      async (r) => {
        await r.syRelease(this.#k('busy', id), ttlMs);
      },
      (m) => m.release(id, ttlMs),
    );
  }

  inFlight(ids: readonly string[]): Promise<readonly number[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.#use(
      async (r) => (await r.mget(ids.map((id) => this.#k('busy', id)))).map((v) => Math.max(0, Number(v ?? 0))),
      (m) => m.inFlight(ids),
    );
  }

  recordLatency(id: string, kind: LatencyKind, ms: number, alpha: number): Promise<void> {
    return this.#use(
      async (r) => {
        await r.syEwma(this.#k(`lat-${kind}`, id), ms, alpha, this.#latencyTtlMs);
      },
      (m) => m.recordLatency(id, kind, ms, alpha),
    );
  }

  latencies(ids: readonly string[], kind: LatencyKind): Promise<readonly (number | undefined)[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.#use(
      async (r) => (await r.mget(ids.map((id) => this.#k(`lat-${kind}`, id)))).map((v) => (v === null ? undefined : Number(v))),
      (m) => m.latencies(ids, kind),
    );
  }

  addUsage(id: string, now: number, requests: number, tokens: number): Promise<void> {
    const key = this.#k('use', `${id}:${now - (now % usageWindowMs)}`);
    return this.#use(
      async (r) => {
        const tx = r.multi();
        if (requests !== 0) tx.hincrby(key, 'r', requests);
        if (tokens !== 0) tx.hincrby(key, 't', tokens);
        await tx.pexpire(key, usageWindowMs * 2).exec();
      },
      (m) => m.addUsage(id, now, requests, tokens),
    );
  }

  usage(ids: readonly string[], now: number): Promise<readonly UsageWindow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    const start = now - (now % usageWindowMs);
    return this.#use(
      async (r) => {
        const pipe = r.pipeline();
        for (const id of ids) {
          pipe.hmget(this.#k('use', `${id}:${start}`), 'r', 't');
          pipe.hmget(this.#k('use', `${id}:${start - usageWindowMs}`), 'r', 't');
        }
        const replies = (await pipe.exec()) ?? [];
        return ids.map((_, i) => {
          const cur = windowFrom(replies[2 * i]?.[1]);
          const prev = windowFrom(replies[2 * i + 1]?.[1]);
          return slidingUsage(now, cur, prev);
        });
      },
      (m) => m.usage(ids, now),
    );
  }

  health(): StateHealth {
    const status = this.#redis.status;
    return status === 'ready'
      ? { status: 'ok', detail: { kind: 'redis' } }
      : { status: 'degraded', detail: { kind: 'redis', redis: status, fallback: 'per-instance memory' } };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#fallback.close();
    if (this.#redis.status === 'ready') await this.#redis.quit().catch(() => this.#redis.disconnect());
    else this.#redis.disconnect();
  }
}

function circuitFrom(raw: string | null, now: number): Circuit {
  if (raw === null) return closedCircuit;
  try {
    return circuitOf(JSON.parse(raw) as CooldownRecord, now);
  } catch {
    return closedCircuit;
  }
}

function windowFrom(reply: unknown): UsageWindow {
  if (!Array.isArray(reply)) return noUsage;
  return { requests: Number(reply[0] ?? 0), tokens: Number(reply[1] ?? 0) };
}

/** A prefix used in SCAN MATCH must not be read as a pattern. */
function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}
