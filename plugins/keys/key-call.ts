import type { RequestContext } from 'switchyard';
import type { Lease, LimitKind, ScopeKind } from './limits/index.ts';
import type { KeyRow, TeamRow } from './store/index.ts';

/** What admission found for a request, kept on the context for the log stage. */
export interface KeyCall {
  readonly key: KeyRow;
  readonly team: TeamRow | undefined;
  lease: Lease | undefined;
  /** Set when admission refused the call: which scope's limit (metrics count refusals by it). */
  refusal: Refusal | undefined;
  /**
   * Set, synchronously, when the log stage starts checking this call's soft budget: resolves to the
   * scope whose soft budget the call reached (once per window and instance), else undefined.
   * A promise because the check reads the counters while the metrics tap records synchronously.
   */
  softBudget?: Promise<ScopeKind | undefined>;
}

/** What refused a call: the owner of the limit and the limit. Bounded values, never the key. */
export interface Refusal {
  readonly scope: ScopeKind;
  readonly limit: LimitKind;
}

export const keySlot = Symbol('switchyard.keys');
export type KeySlotted = { [keySlot]?: KeyCall };
export const keyCallOf = (ctx: RequestContext): KeyCall | undefined => (ctx.state as KeySlotted)[keySlot];


/** The admission refusal of this call (a 429 or a budget refusal), if the keys plugin refused it. */
export const refusalOf = (ctx: RequestContext): Refusal | undefined => keyCallOf(ctx)?.refusal;

/** The check of this call's soft budget, if one runs: the scope it reached, when this call was the one that warned (see soft-budget.ts). */
export const softBudgetOf = (ctx: RequestContext): Promise<ScopeKind | undefined> | undefined => keyCallOf(ctx)?.softBudget;
