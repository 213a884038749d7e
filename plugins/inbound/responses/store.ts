import type { ConversationItem, ResponseObject } from './types.ts';

/**
 * The deployment a natively passed-through response was created on: its id exists only in that
 * upstream account, so a follow-up with `previous_response_id` must go back there. Never holds a key.
 */
export interface PinnedDeployment {
  /** The deployment's id (`Deployment.id`). */
  readonly deployment: string;
  readonly provider: string;
  readonly model: string;
}

/**
 * All the store keeps of a natively passed-through response: its id (the key). The upstream
 * holds the response itself, and answers `GET`, `DELETE` and `input_items` for it.
 */
export interface ResponseRef {
  readonly id: string;
  readonly object: 'response';
}

/** What the store keeps for one response id. */
export interface StoredResponse {
  /** The response as `GET /v1/responses/{id}` returns it; only a reference for a pinned native one. */
  readonly response: ResponseObject | ResponseRef;
  /** The request's own input items, with ids, as `GET …/input_items` lists them. */
  readonly inputItems: readonly ConversationItem[];
  /**
   * The whole conversation through this response (earlier history, this input, this output),
   * without instructions: a follow-up reads one record, never a chain. Absent for a native
   * response, whose upstream keeps the conversation.
   */
  readonly history?: readonly ConversationItem[];
  /** Set for a natively passed-through response. */
  readonly pinned?: PinnedDeployment;
  /** Who created it (a key or team id), for routes that keep tenants apart. */
  readonly owner?: string;
}

/**
 * Where responses live between requests, for `store` and `previous_response_id`. Memory by
 * default; Redis, shared by every instance, when `REDIS_URL` is set.
 */
export interface ResponseStore {
  /** Keeps (or replaces) a record for `ttlSeconds`. */
  put(record: StoredResponse, ttlSeconds: number): Promise<void>;
  /** The record, or undefined when unknown or expired. */
  get(id: string): Promise<StoredResponse | undefined>;
  /** Whether a record was there to delete. */
  delete(id: string): Promise<boolean>;
  close(): Promise<void>;
}
