import type { PluginRoute, RouteCall } from 'switchyard';
import { deletedResponse, inputItemsPage } from './input-items.ts';
import { visibleRecord } from './ownership.ts';
import type { ResponseStore } from './store.ts';

/** Each route at `/v1/…` and, as every route of the gateway, without the prefix. */
const both = (path: string): string[] => [`/v1${path}`, path];

const idOf = (call: RouteCall): string => call.params.id as string;

/**
 * `GET /v1/responses/{id}`, `DELETE /v1/responses/{id}` and `GET /v1/responses/{id}/input_items`,
 * served from the store. A response that is absent, expired, or another caller's is a 404
 * `not_found_error` (an admin sees every one).
 */
export function storedResponseRoutes(store: ResponseStore): PluginRoute[] {
  return [
    {
      method: 'GET',
      path: both('/responses/:id'),
      summary: 'A stored response (Responses API)',
      tag: 'responses',
      async handle(call) {
        const record = await visibleRecord(store, idOf(call), call.ctx.principal);
        return { body: record.response };
      },
    },
    {
      method: 'DELETE',
      path: both('/responses/:id'),
      summary: 'Delete a stored response (Responses API)',
      tag: 'responses',
      async handle(call) {
        const id = idOf(call);
        await visibleRecord(store, id, call.ctx.principal);
        await store.delete(id);
        return { body: deletedResponse(id) };
      },
    },
    {
      method: 'GET',
      path: both('/responses/:id/input_items'),
      summary: "A stored response's input items, paged (`after`, `limit`, `order`)",
      tag: 'responses',
      async handle(call) {
        const record = await visibleRecord(store, idOf(call), call.ctx.principal);
        const { query } = call;
        return { body: inputItemsPage(record.inputItems, { after: query.get('after') ?? undefined, limit: query.get('limit') ?? undefined, order: query.get('order') ?? undefined }) };
      },
    },
  ];
}
