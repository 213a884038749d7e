import {
  circuitOf,
  closedCircuit,
  cooldownRecord,
  noUsage,
  slidingUsage,
  usageWindowMs,
  type Circuit,
  type Cooldown,
  type CooldownInit,
  type CooldownRecord,
  type LatencyKind,
  type OutcomeCounts,
  type SharedState,
  type StateHealth,
  type UsageWindow,
} from './types.ts';

interface Window {
  start: number;
  failures: number;
  total: number;
}
interface Minute {
  start: number;
  requests: number;
  tokens: number;
}
interface Usage {
  current: Minute;
  previous: Minute;
}

/** Every deployment closed, by list length: the answer to `circuits` while nothing cools, shared. */
const allClosed: (readonly Circuit[])[] = [];

/**
 * Shared state for one process. Records are dropped when they expire (checked on access), so
 * the maps hold only deployments that are cooling, busy or recently used: bounded by the config.
 */
export class MemoryState implements SharedState {
  readonly kind: string = 'memory';
  readonly #cooldowns = new Map<string, CooldownRecord>();
  readonly #probes = new Map<string, number>();
  readonly #windows = new Map<string, Window>();
  readonly #inFlight = new Map<string, number>();
  readonly #latency = new Map<string, number>();
  readonly #usage = new Map<string, Usage>();

  async setCooldown(id: string, init: CooldownInit): Promise<void> {
    this.#cooldowns.set(id, cooldownRecord(init));
    this.#probes.delete(id);
  }

  async circuits(ids: readonly string[], now: number): Promise<readonly Circuit[]> {
    // Nothing cooling, the usual case: a shared frozen answer, no per-request array.
    if (this.#cooldowns.size === 0) return (allClosed[ids.length] ??= Object.freeze(ids.map(() => closedCircuit)));
    return ids.map((id) => this.#circuit(id, now));
  }

  #circuit(id: string, now: number): Circuit {
    const record = this.#cooldowns.get(id);
    if (record !== undefined && now >= record.expires) this.#cooldowns.delete(id);
    return circuitOf(record, now);
  }

  async listCooldowns(now: number): Promise<readonly Cooldown[]> {
    const out: Cooldown[] = [];
    // Deleting the entry being visited (expired) is safe while iterating a Map.
    for (const id of this.#cooldowns.keys()) {
      const c = this.#circuit(id, now);
      if (c.state !== 'closed') out.push({ deployment: id, state: c.state, until: c.until ?? now, reason: c.reason ?? '' });
    }
    return out;
  }

  async clearCooldown(id: string): Promise<void> {
    this.#cooldowns.delete(id);
    this.#probes.delete(id);
  }

  async claimProbe(id: string, now: number, ttlMs: number): Promise<boolean> {
    const held = this.#probes.get(id);
    if (held !== undefined && now < held) return false;
    this.#probes.set(id, now + ttlMs);
    return true;
  }

  async recordOutcome(id: string, failed: boolean, now: number, windowMs: number): Promise<OutcomeCounts> {
    const start = now - (now % windowMs);
    let w = this.#windows.get(id);
    if (w === undefined || w.start !== start) {
      w = { start, failures: 0, total: 0 };
      this.#windows.set(id, w);
    }
    w.total++;
    if (failed) w.failures++;
    return { failures: w.failures, total: w.total };
  }

  async acquire(id: string, _ttlMs?: number): Promise<void> {
    this.#inFlight.set(id, (this.#inFlight.get(id) ?? 0) + 1);
  }

  async release(id: string, _ttlMs?: number): Promise<void> {
    const n = (this.#inFlight.get(id) ?? 0) - 1;
    if (n <= 0) this.#inFlight.delete(id);
    else this.#inFlight.set(id, n);
  }

  async inFlight(ids: readonly string[]): Promise<readonly number[]> {
    return ids.map((id) => this.#inFlight.get(id) ?? 0);
  }

  async recordLatency(id: string, kind: LatencyKind, ms: number, alpha: number): Promise<void> {
    const key = `${kind}:${id}`;
    const old = this.#latency.get(key);
    this.#latency.set(key, old === undefined ? ms : alpha * ms + (1 - alpha) * old);
  }

  async latencies(ids: readonly string[], kind: LatencyKind): Promise<readonly (number | undefined)[]> {
    return ids.map((id) => this.#latency.get(`${kind}:${id}`));
  }

  async addUsage(id: string, now: number, requests: number, tokens: number): Promise<void> {
    const u = this.#usageOf(id, now, true) as Usage;
    u.current.requests += requests;
    u.current.tokens += tokens;
  }

  async usage(ids: readonly string[], now: number): Promise<readonly UsageWindow[]> {
    return ids.map((id) => {
      const u = this.#usageOf(id, now, false);
      return u === undefined ? noUsage : slidingUsage(now, u.current, u.previous);
    });
  }

  /** The deployment's minutes, rolled forward to `now`. */
  #usageOf(id: string, now: number, create: boolean): Usage | undefined {
    const start = now - (now % usageWindowMs);
    let u = this.#usage.get(id);
    if (u === undefined) {
      if (!create) return undefined;
      u = { current: { start, requests: 0, tokens: 0 }, previous: { start: start - usageWindowMs, requests: 0, tokens: 0 } };
      this.#usage.set(id, u);
    } else if (u.current.start !== start) {
      u.previous = u.current.start === start - usageWindowMs ? u.current : { start: start - usageWindowMs, requests: 0, tokens: 0 };
      u.current = { start, requests: 0, tokens: 0 };
    }
    return u;
  }

  health(): StateHealth {
    return { status: 'ok', detail: { kind: this.kind } };
  }

  async close(): Promise<void> {
    this.#cooldowns.clear();
    this.#probes.clear();
    this.#windows.clear();
    this.#inFlight.clear();
    this.#latency.clear();
    this.#usage.clear();
  }
}
