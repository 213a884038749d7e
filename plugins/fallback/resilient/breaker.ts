import { GatewayError, type Deployment, type Logger, type SharedState } from 'switchyard';
import type { Verdict } from './classify.ts';

export interface CooldownPolicy {
  /** Failures within the window that cool a deployment down. */
  readonly failures: number;
  /** Or this share of failed calls, once `minCalls` calls were made in the window. */
  readonly failureRate: number;
  readonly minCalls: number;
  readonly windowMs: number;
  /** How long a deployment cools down, ms. */
  readonly cooldownMs: number;
  /** How long the half-open state lasts with no probe before the record expires. */
  readonly halfOpenMs: number;
}

/**
 * Decides when a deployment cools down, and writes it to the shared state so every instance
 * skips it: N failures or a failure rate over a window; at once on 401/403/404 from the
 * provider, when its half-open probe fails, or on a 429 asking for a longer wait than we retry.
 */
export class Breaker {
  readonly #state: SharedState;
  readonly #policy: CooldownPolicy;
  readonly #log: Logger;

  constructor(state: SharedState, policy: CooldownPolicy, log: Logger) {
    this.#state = state;
    this.#policy = policy;
    this.#log = log;
  }

  /** Counts a success (failure rate), and closes the circuit if this call was its probe. */
  succeeded(target: Deployment, now: number, probe: boolean): void {
    const state = this.#state;
    void state.recordOutcome(target.id, false, now, this.#policy.windowMs).catch(ignore);
    if (probe) void state.clearCooldown(target.id).catch(ignore);
  }

  /** Counts a failure; returns true if the deployment is now cooling down. */
  async failed(target: Deployment, err: unknown, verdict: Verdict, now: number, probe: boolean, longWaitMs?: number): Promise<boolean> {
    if (verdict === 'fatal' || verdict === 'context' || verdict === 'policy') {
      // The request's fault, not the deployment's; a probe that got this far proved it answers.
      if (probe) void this.#state.clearCooldown(target.id).catch(ignore);
      return false;
    }
    const status = err instanceof GatewayError ? (err.extra.upstreamStatus ?? err.status) : 500;
    if (probe) return this.#cool(target, now, this.#policy.cooldownMs, `probe failed (${status})`);
    if (verdict === 'next') return this.#cool(target, now, this.#policy.cooldownMs, `provider answered ${status}`);
    if (longWaitMs !== undefined) return this.#cool(target, now, longWaitMs, 'rate limited (retry-after)');
    const p = this.#policy;
    const counts = await this.#state.recordOutcome(target.id, true, now, p.windowMs).catch(() => ({ failures: 0, total: 0 }));
    const tooMany = counts.failures >= p.failures;
    const tooOften = counts.total >= p.minCalls && counts.failures / counts.total >= p.failureRate;
    if (!tooMany && !tooOften) return false;
    return this.#cool(target, now, p.cooldownMs, tooMany ? `${counts.failures} failures (last ${status})` : `failure rate ${counts.failures}/${counts.total}`);
  }

  async #cool(target: Deployment, now: number, ms: number, reason: string): Promise<boolean> {
    this.#log.warn({ deployment: target.id, provider: target.provider, cooldownMs: ms, reason }, 'deployment cooling down');
    await this.#state
      .setCooldown(target.id, { now, until: now + ms, reason, halfOpenMs: this.#policy.halfOpenMs })
      .catch((err: unknown) => this.#log.warn({ err, deployment: target.id }, 'could not record cooldown'));
    return true;
  }
}

const ignore = (): void => undefined;
