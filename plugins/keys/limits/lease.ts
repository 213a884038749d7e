import type { BudgetWindow } from './types.ts';

/** A budget the request counts against: the window it was admitted in, whatever the clock says at the end. */
export interface BudgetHold {
  readonly scopeId: string;
  readonly window: BudgetWindow;
}

export interface LeaseInit {
  readonly id: string;
  readonly bucket: number;
  readonly tpmScopes: readonly string[];
  readonly parallelScopes: readonly string[];
  readonly budgets: readonly BudgetHold[];
  readonly tokens: number;
  readonly nanoUsd: number;
}

/**
 * What an admitted request holds until it ends: the tpm reservation to reconcile, the parallel
 * slots to free and the budgets to charge. Every operation is safe to repeat: `reconcile` and
 * `settleSpend` charge only the difference from what is already charged, `release` frees once.
 */
export class Lease {
  /** Member name of this request in every parallel-lease set ('' when no scope has max_parallel). */
  readonly id: string;
  /** The rolling-window bucket the tokens were reserved in, on the store's clock. */
  readonly bucket: number;
  /** Ids of the scopes with a tpm limit (charged at admission). */
  readonly tpmScopes: readonly string[];
  /** Ids of the scopes with max_parallel (holding a slot). */
  readonly parallelScopes: readonly string[];
  /** Every budget of the request, charged by `settleSpend`. */
  readonly budgets: readonly BudgetHold[];
  #tokens: number;
  #nanoUsd: number;
  #released = false;

  constructor(init: LeaseInit) {
    this.id = init.id;
    this.bucket = init.bucket;
    this.tpmScopes = init.tpmScopes;
    this.parallelScopes = init.parallelScopes;
    this.budgets = init.budgets;
    this.#tokens = init.tokens;
    this.#nanoUsd = init.nanoUsd;
  }

  /** Tokens charged to the tpm limits so far: the estimate, then the reconciled count. */
  get tokens(): number {
    return this.#tokens;
  }

  /** Spend charged to the budgets so far: the reserved estimate (budgetMode 'reserve') or 0, then the real cost. */
  get nanoUsd(): number {
    return this.#nanoUsd;
  }

  get released(): boolean {
    return this.#released;
  }

  /** Records `actual` as charged and returns what must still be charged (negative: refunded). */
  settleTokens(actual: number): number {
    const delta = actual - this.#tokens;
    this.#tokens = actual;
    return this.tpmScopes.length === 0 ? 0 : delta;
  }

  /** As settleTokens, for spend. */
  settleSpend(actual: number): number {
    const delta = actual - this.#nanoUsd;
    this.#nanoUsd = actual;
    return this.budgets.length === 0 ? 0 : delta;
  }

  /** True the first time only, so a double release costs no store call. */
  markReleased(): boolean {
    if (this.#released) return false;
    this.#released = true;
    return this.parallelScopes.length > 0;
  }
}

const none: readonly never[] = Object.freeze([]);

/** The lease of a request admitted without the store (onStoreError 'open'): nothing to undo or charge. */
export function unheldLease(tokens: number, nanoUsd: number): Lease {
  return new Lease({ id: '', bucket: 0, tpmScopes: none, parallelScopes: none, budgets: none, tokens, nanoUsd });
}
