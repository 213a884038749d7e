import { MemoryState } from './memory.ts';
import type { SharedState } from './types.ts';

/**
 * The gateway's shared state as plugins hold it: in memory until a plugin provides another
 * implementation (Redis). Plugins may keep this object from `setup` whatever their order in the
 * config, since every call goes to the implementation current at that moment.
 */
export class StateSlot implements SharedState {
  #impl: SharedState = new MemoryState();
  #provided = false;

  /** Replaces the in-memory default; only one plugin may do so. */
  provide(state: SharedState, by: string): void {
    if (this.#provided) throw new Error(`shared state is already provided; '${by}' cannot provide it again`);
    const old = this.#impl;
    this.#impl = state;
    this.#provided = true;
    void old.close();
  }

  get kind(): string {
    return this.#impl.kind;
  }
  setCooldown: SharedState['setCooldown'] = (id, init) => this.#impl.setCooldown(id, init);
  circuits: SharedState['circuits'] = (ids, now) => this.#impl.circuits(ids, now);
  listCooldowns: SharedState['listCooldowns'] = (now) => this.#impl.listCooldowns(now);
  clearCooldown: SharedState['clearCooldown'] = (id) => this.#impl.clearCooldown(id);
  claimProbe: SharedState['claimProbe'] = (id, now, ttlMs) => this.#impl.claimProbe(id, now, ttlMs);
  recordOutcome: SharedState['recordOutcome'] = (id, failed, now, windowMs) => this.#impl.recordOutcome(id, failed, now, windowMs);
  acquire: SharedState['acquire'] = (id, ttlMs) => this.#impl.acquire(id, ttlMs);
  release: SharedState['release'] = (id, ttlMs) => this.#impl.release(id, ttlMs);
  inFlight: SharedState['inFlight'] = (ids) => this.#impl.inFlight(ids);
  recordLatency: SharedState['recordLatency'] = (id, kind, ms, alpha) => this.#impl.recordLatency(id, kind, ms, alpha);
  latencies: SharedState['latencies'] = (ids, kind) => this.#impl.latencies(ids, kind);
  addUsage: SharedState['addUsage'] = (id, now, requests, tokens) => this.#impl.addUsage(id, now, requests, tokens);
  usage: SharedState['usage'] = (ids, now) => this.#impl.usage(ids, now);
  health: SharedState['health'] = () => this.#impl.health();
  close: SharedState['close'] = () => this.#impl.close();
}
