import type { Logger } from 'switchyard';
import { windowSpend } from './budget-window.ts';
import type { KeyCall } from './key-call.ts';
import type { Admission, BudgetWindow, Lease, ScopeKind } from './limits/index.ts';
import { nanoToUsd } from './money.ts';
import { spendWindow } from './scopes.ts';
import { keyRef } from './key-label.ts';

/** Above this many remembered windows the sets start over (at worst a repeated warning or seed). */
const MAX_REMEMBERED = 100_000;

/**
 * Soft budgets (operator.md §4: "a soft budget only logs and counts"): after a call's cost is
 * known, a key whose spend in its budget window is at or above its `soft_budget` gets one warning
 * per window from this instance, and the call is marked so the metrics plugin counts it. Nothing is
 * ever refused. Teams have no `soft_budget` (the admin API refuses the field on teams).
 *
 * The window's spend is the budget counter admission keeps (memory or Redis): for a key with a
 * `max_budget` the lease already charged it; otherwise it is charged here, in the same counter and
 * window a later `max_budget` would use. Warnings are remembered per instance, so with N instances
 * sharing Redis counters each may warn once per window.
 */
export class SoftBudgets {
  readonly #admission: Admission;
  /** `(scope, window)` counters this instance has started from the store's spend. */
  readonly #seeded = new Set<string>();
  /** `(scope, window, soft budget)` already warned about: a changed soft budget warns again. */
  readonly #warned = new Set<string>();

  constructor(admission: Admission) {
    this.#admission = admission;
  }

  /**
   * Charges (when the lease did not) and checks the key's soft budget after a call that cost
   * `nanoUsd`; resolves to the scope when this call warned. Store failures are logged, never
   * thrown: a soft budget must not fail a call.
   */
  async afterCall(call: KeyCall, nanoUsd: number, log: Logger, now = Date.now()): Promise<ScopeKind | undefined> {
    const { key } = call;
    const soft = key.soft_budget;
    if (soft === null || nanoUsd <= 0) return undefined;
    const scopeId = `key:${key.token}`;
    try {
      const held = heldWindow(call.lease, scopeId);
      const window = held ?? spendWindow(key, now);
      if (held === undefined) await this.#charge(scopeId, window, windowSpend(key, now), nanoUsd);
      const spent = await this.#admission.spent(scopeId, window);
      if (spent < soft) return undefined;
      const warnedKey = `${scopeId}\u0000${window.id}\u0000${soft}`;
      if (this.#warned.has(warnedKey)) return undefined;
      remember(this.#warned, warnedKey);
      // Named by alias and a short hash prefix (as the admin pages show keys), never the key or its hash.
      log.warn(
        {
          scope: 'key',
          key_alias: key.key_alias,
          key_ref: keyRef(key.token),
          team_id: key.team_id,
          soft_budget: nanoToUsd(soft),
          spend: nanoToUsd(spent),
          window_ends: window.id === 'all' ? null : new Date(window.endsAt).toISOString(),
        },
        'keys: soft budget reached (the key keeps working)',
      );
      return 'key';
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'keys: checking the soft budget failed');
      return undefined;
    }
  }

  /** Adds the call's cost to a counter no lease charged, started once from the store's spend. */
  async #charge(scopeId: string, window: BudgetWindow, stored: number, nanoUsd: number): Promise<void> {
    const seedKey = `${scopeId}\u0000${window.id}`;
    if (!this.#seeded.has(seedKey)) {
      await this.#admission.seedSpend(scopeId, window, stored);
      remember(this.#seeded, seedKey);
    }
    await this.#admission.recordSpend(scopeId, window, nanoUsd);
  }
}

/** The window the lease charged this scope's budget in, when admission held one (the key has a max_budget). */
function heldWindow(lease: Lease | undefined, scopeId: string): BudgetWindow | undefined {
  return lease?.budgets.find((b) => b.scopeId === scopeId)?.window;
}

function remember(set: Set<string>, value: string): void {
  if (set.size >= MAX_REMEMBERED) set.clear();
  set.add(value);
}
