/**
 * What an admitted request holds until it ends: the tpm reservation to reconcile and the parallel
 * slots to free. Both operations are safe to repeat: `reconcile` charges only the difference from
 * what is already charged, `release` frees the slots once.
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
  #tokens: number;
  #released = false;

  constructor(id: string, bucket: number, tpmScopes: readonly string[], parallelScopes: readonly string[], tokens: number) {
    this.id = id;
    this.bucket = bucket;
    this.tpmScopes = tpmScopes;
    this.parallelScopes = parallelScopes;
    this.#tokens = tokens;
  }

  /** Tokens charged to the tpm limits so far: the estimate, then the reconciled count. */
  get tokens(): number {
    return this.#tokens;
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

  /** True the first time only, so a double release costs no store call. */
  markReleased(): boolean {
    if (this.#released) return false;
    this.#released = true;
    return this.parallelScopes.length > 0;
  }
}

/** The lease of a request admitted without the store (onStoreError 'open'): nothing to undo. */
export function unheldLease(tokens: number): Lease {
  return new Lease('', 0, [], [], tokens);
}
