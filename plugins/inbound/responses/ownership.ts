import { GatewayError, cutEcho, type Principal } from 'switchyard';
import type { ResponseStore, StoredResponse } from './store.ts';

/**
 * Whether a caller may see a stored response: its owner, or an admin (the master key). A record
 * kept without an owner is everyone's.
 */
export function mayAccess(record: StoredResponse, principal: Principal | undefined): boolean {
  if (record.owner === undefined) return true;
  return principal !== undefined && (principal.role === 'admin' || principal.id === record.owner);
}

/** OpenAI's 404 for a response id it does not know. */
export function responseNotFound(id: string): GatewayError {
  return new GatewayError(404, 'not_found_error', `Response with id '${cutEcho(id)}' not found.`, { code: 'response_not_found' });
}

/**
 * The stored response `id`, if the caller may see it; otherwise 404 — also when another tenant
 * owns it, so that an id reveals nothing about whether it exists.
 */
export async function visibleRecord(store: ResponseStore, id: string, principal: Principal | undefined): Promise<StoredResponse> {
  const record = await store.get(id);
  if (record === undefined || !mayAccess(record, principal)) throw responseNotFound(id);
  return record;
}

