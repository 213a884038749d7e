import type { ResponseItemList } from 'openai/resources/responses/input-items';
import { invalidParam } from 'switchyard';
import { isAbsent, oneOf } from './fields.ts';
import type { ConversationItem } from './types.ts';

/** The query of `GET /v1/responses/{id}/input_items`, as read from the URL. */
export interface InputItemsQuery {
  readonly after?: string | undefined;
  readonly limit?: string | number | undefined;
  readonly order?: string | undefined;
}

/**
 * One page of a stored response's input items, as OpenAI lists them: newest first unless
 * `order=asc`, `limit` 1–100 (default 20), starting after the item `after` (past the end when
 * `after` is not among them). A bad `limit` or `order` is a 400 naming it.
 *
 * @example
 * ctx.body = inputItemsPage(record.inputItems, { after: ctx.query.after, limit: ctx.query.limit, order: ctx.query.order });
 */
export function inputItemsPage(items: readonly ConversationItem[], query: InputItemsQuery = {}): ResponseItemList {
  const order = isAbsent(query.order) ? 'desc' : oneOf(query.order, ['asc', 'desc'] as const, 'order');
  const limit = isAbsent(query.limit) ? 20 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalidParam('limit', "'limit' must be an integer from 1 to 100");
  const ordered = order === 'asc' ? [...items] : [...items].reverse();
  const start = query.after === undefined || query.after === '' ? 0 : ordered.findIndex((item) => item.id === query.after) + 1 || ordered.length;
  const data = ordered.slice(start, start + limit);
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? '',
    last_id: data.at(-1)?.id ?? '',
    has_more: start + limit < ordered.length,
  };
}

/** The body of a successful `DELETE /v1/responses/{id}`. */
export function deletedResponse(id: string): { id: string; object: 'response'; deleted: true } {
  return { id, object: 'response', deleted: true };
}
