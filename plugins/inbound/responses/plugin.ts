import { Type } from '@sinclair/typebox';
import { definePlugin } from 'switchyard';
import { pinnedForwarder } from './forward-pinned.ts';
import { responsesFormat } from './format.ts';
import { storedResponseRoutes } from './stored-routes.ts';
import { responseStoreFor } from './store-for.ts';

/** OpenAI keeps a stored response for 30 days; so do we, unless told otherwise. */
export const defaultTtlSeconds = 30 * 24 * 60 * 60;

export const ResponsesOptions = Type.Object(
  {
    /** `redis://…`: the store is shared by every instance using it. Unset or empty: this process's memory. */
    redisUrl: Type.Optional(Type.String()),
    /** How long a stored response can be continued, retrieved and listed (default 30 days). */
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Most responses the memory store holds, least recently used evicted first (default 10 000; not for Redis). */
    maxEntries: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false, title: 'inbound-responses' },
);

/**
 * OpenAI's Responses API over every provider, served through the same stages as chat: passed
 * through natively to OpenAI and Azure deployments, translated onto chat for the others.
 * `POST /v1/responses` (stream or not, `previous_response_id`, `store`), and `GET`/`DELETE
 * /v1/responses/{id}` and `GET /v1/responses/{id}/input_items` from the response store, or, for a
 * native response, from the deployment that created it. Stored responses belong to the caller
 * that created them.
 *
 * @example
 * plugins: [...providers, inboundResponses({ redisUrl: process.env.REDIS_URL, ttlSeconds: 7 * 86_400 })]
 */
export default definePlugin(ResponsesOptions, (options) => ({
  name: 'inbound-responses',
  setup(gateway) {
    const store = responseStoreFor(options.redisUrl, options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries });
    gateway.onClose(() => store.close());
    gateway.route({
      method: 'POST',
      path: ['/v1/responses', '/responses'],
      summary: "OpenAI's Responses API over any provider (native on OpenAI and Azure, translated onto chat for others)",
      tag: 'responses',
      inbound: responsesFormat({ store, ttlSeconds: options.ttlSeconds ?? defaultTtlSeconds, log: gateway.log }),
    });
    for (const route of storedResponseRoutes(store, pinnedForwarder(gateway))) gateway.route(route);
  },
}));
