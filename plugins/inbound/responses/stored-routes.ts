import type { PluginRoute, RouteCall } from 'switchyard';
import type { PinnedForwarder } from './forward-pinned.ts';
import { deletedResponse, inputItemsPage } from './input-items.ts';
import { visibleRecord } from './ownership.ts';
import type { ResponseStore } from './store.ts';

/** Each route at `/v1/…` and, as every route of the gateway, without the prefix. */
const both = (path: string): string[] => [`/v1${path}`, path];

const idOf = (call: RouteCall): string => call.params.id as string;

/**
 * `GET /v1/responses/{id}`, `DELETE /v1/responses/{id}` and `GET /v1/responses/{id}/input_items`,
 * served from the store; for a natively created response (pinned), forwarded to the deployment
 * whose upstream holds it (`forward`). A response that is absent, expired, or another caller's is
 * a 404 `not_found_error` (an admin sees every one).
 */
export function storedResponseRoutes(store: ResponseStore, forward?: PinnedForwarder): PluginRoute[] {
  return [
    {
      method: 'GET',
      path: both('/responses/:id'),
      summary: 'A stored response (Responses API)',
      tag: 'responses',
      async handle(call) {
        const id = idOf(call);
        const record = await visibleRecord(store, id, call.ctx.principal);
        if (record.pinned !== undefined && forward !== undefined) return forward(call, id, record.pinned, 'GET', `/responses/${encodeURIComponent(id)}`);
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
        const record = await visibleRecord(store, id, call.ctx.principal);
        if (record.pinned !== undefined && forward !== undefined) {
          const answer = await forward(call, id, record.pinned, 'DELETE', `/responses/${encodeURIComponent(id)}`);
          await store.delete(id);
          return answer;
        }
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
        const id = idOf(call);
        const record = await visibleRecord(store, id, call.ctx.principal);
        if (record.pinned !== undefined && forward !== undefined) return forward(call, id, record.pinned, 'GET', `/responses/${encodeURIComponent(id)}/input_items`);
        const { query } = call;
        return { body: inputItemsPage(record.inputItems, { after: query.get('after') ?? undefined, limit: query.get('limit') ?? undefined, order: query.get('order') ?? undefined }) };
      },
    },
  ];
}
