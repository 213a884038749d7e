import { GatewayError, NativeRequest, type GatewayApi, type RouteAnswer, type RouteCall } from 'switchyard';
import { responseNotFound } from './ownership.ts';
import { pinnedTarget } from './pinned.ts';
import type { PinnedDeployment } from './store.ts';

/** Largest answer of a forwarded retrieval held before it is sent (a Response, a page of input items). */
export const retrievalLimit = 32 * 1024 * 1024;

/** Sends a retrieval of a native response to the upstream that holds it. */
export type PinnedForwarder = (call: RouteCall, id: string, pinned: PinnedDeployment, method: 'GET' | 'DELETE', path: string) => Promise<RouteAnswer>;

/**
 * `GET`/`DELETE /v1/responses/{id}` and `…/input_items` of a natively created response, forwarded
 * to the deployment that created it (its keys and URL from the config), the query passed on; the
 * upstream's JSON answer comes back as it is. An upstream error answers in OpenAI's envelope with
 * the gateway's status for it; a deployment no longer configured is a 404.
 */
export function pinnedForwarder(gateway: Pick<GatewayApi, 'invoke' | 'models' | 'settings'>): PinnedForwarder {
  return async (call, id, pinned, method, path) => {
    const target = pinnedTarget(gateway.models, gateway.settings, pinned);
    if (target === undefined) throw responseNotFound(id);
    const ctx = call.ctx;
    const query = call.query.toString();
    ctx.native = new NativeRequest({ operation: 'responses', method, path: query === '' ? path : `${path}?${query}` });
    const result = await gateway.invoke(ctx, target);
    if (result.kind !== 'forward') throw new GatewayError(502, 'api_error', `provider '${target.provider}' did not forward the retrieval`, { code: 'upstream_error' });
    const parts: Buffer[] = [];
    let size = 0;
    try {
      for (;;) {
        const next = await result.body.next();
        if (next.done === true) break;
        size += next.value.length;
        if (size > retrievalLimit) throw new GatewayError(502, 'api_error', 'the stored response is too large to forward', { code: 'upstream_answer_too_large' });
        parts.push(next.value);
      }
    } finally {
      await result.body.return?.(undefined)?.catch(() => undefined);
    }
    return { body: Buffer.concat(parts), type: result.type ?? 'application/json' };
  };
}
