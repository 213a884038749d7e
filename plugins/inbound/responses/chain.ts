import { GatewayError, cutEcho } from 'switchyard';
import type { PinnedDeployment, ResponseRef, ResponseStore, StoredResponse } from './store.ts';
import type { ConversationItem, ResponseObject } from './types.ts';

/** What a follow-up request continues from. */
export interface PreviousResponse {
  readonly record: StoredResponse;
  /** The conversation to prepend (`responsesToChat`'s `history`); empty for a pinned native response. */
  readonly history: readonly ConversationItem[];
}

/**
 * The 400 for a `previous_response_id` of a natively created response on a request that cannot
 * go back to the deployment that created it (its model routes elsewhere, or only to providers
 * that translate): only that deployment's upstream account holds the conversation.
 */
export function pinnedElsewhere(id: string): GatewayError {
  return new GatewayError(
    400,
    'invalid_request_error',
    `Previous response with id '${cutEcho(id)}' not found: it was created natively on a deployment this request does not route to; continue it with the model that created it.`,
    { param: 'previous_response_id', code: 'previous_response_not_found' },
  );
}

/** The 400 for an unknown, expired, deleted or unstored `previous_response_id`. */
export function previousResponseNotFound(id: string): GatewayError {
  return new GatewayError(400, 'invalid_request_error', `Previous response with id '${cutEcho(id)}' not found.`, {
    param: 'previous_response_id',
    code: 'previous_response_not_found',
  });
}

/**
 * Loads what `previous_response_id` continues: one store read, since each record keeps the
 * flattened history. Throws 400 `previous_response_not_found` when the id is not in the store.
 *
 * @example
 * const previous = id === undefined ? undefined : await chainHistory(store, id);
 * const translated = responsesToChat(body, previous?.history);
 */
export async function chainHistory(store: ResponseStore, previousResponseId: string): Promise<PreviousResponse> {
  const record = await store.get(previousResponseId);
  if (record === undefined) throw previousResponseNotFound(previousResponseId);
  return { record, history: record.history ?? [] };
}

/**
 * The record of a translated response: its input items, and the history a follow-up continues
 * (the previous history, then this input, then this output).
 */
export function translatedRecord(
  response: ResponseObject,
  inputItems: readonly ConversationItem[],
  previousHistory: readonly ConversationItem[] = [],
  owner?: string,
): StoredResponse {
  const record: StoredResponse = { response, inputItems, history: [...previousHistory, ...inputItems, ...response.output.flatMap(asConversationItem)] };
  return owner === undefined ? record : { ...record, owner };
}

/**
 * The record of a natively passed-through response: the upstream keeps the conversation, so no
 * history; a follow-up goes back to the deployment that created it.
 */
export function nativeRecord(response: ResponseObject | ResponseRef, pinned: PinnedDeployment, inputItems: readonly ConversationItem[] = [], owner?: string): StoredResponse {
  const record: StoredResponse = { response, inputItems, pinned };
  return owner === undefined ? record : { ...record, owner };
}

/** Output items a conversation continues from: the assistant's messages and function calls. */
function asConversationItem(item: ResponseObject['output'][number]): ConversationItem[] {
  if (item.type === 'message') return [item];
  if (item.type === 'function_call') return [{ ...item, id: item.id ?? '', status: item.status ?? 'completed' }];
  return [];
}
