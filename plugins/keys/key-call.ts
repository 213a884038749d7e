import type { RequestContext } from 'switchyard';
import type { Lease } from './limits/index.ts';
import type { KeyRow, TeamRow } from './store/index.ts';

/** What admission found for a request, kept on the context for the log stage. */
export interface KeyCall {
  readonly key: KeyRow;
  readonly team: TeamRow | undefined;
  lease: Lease | undefined;
  /** Tokens reserved against tpm limits at admission. */
  reserved: number;
}

export const keySlot = Symbol('switchyard.keys');
export type KeySlotted = { [keySlot]?: KeyCall };
export const keyCallOf = (ctx: RequestContext): KeyCall | undefined => (ctx.state as KeySlotted)[keySlot];

