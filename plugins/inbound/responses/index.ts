/**
 * OpenAI's Responses API over any chat provider: pure translations between a Responses body and
 * the canonical chat request, a chat answer and a Response, chat chunks and Responses stream
 * events; the response store behind `store` and `previous_response_id`; native pass-through to
 * OpenAI and Azure deployments; and the plugin serving them on `/v1/responses`. See README.md.
 */
export { default, ResponsesOptions, defaultTtlSeconds } from './plugin.ts';
export { responsesFormat, type ResponsesFormatOptions } from './format.ts';
export { storedResponseRoutes } from './stored-routes.ts';
export { mayAccess, responseNotFound, visibleRecord } from './ownership.ts';
export { turnOf, type ResponsesTurn } from './turn.ts';
export { previousResponseIdOf, responsesToChat, type TranslatedRequest } from './request.ts';
export { chatToResponse, type ResponseIds } from './response.ts';
export { ResponsesStreamEncoder, type ResponsesStreamOptions } from './stream.ts';
export { responseUsage } from './usage.ts';
export { endingOf, type Ending } from './status.ts';
export { toChatMessages } from './messages.ts';
export { randomId } from './ids.ts';
export { chainHistory, nativeRecord, pinnedElsewhere, previousResponseNotFound, translatedRecord, type PreviousResponse } from './chain.ts';
export { chatUsage, ResponseReader, ResponseStreamReader, type OnResponseId, type ResponseUsageLike } from './native.ts';
export { pinnedTarget } from './pinned.ts';
export { pinnedForwarder, retrievalLimit, type PinnedForwarder } from './forward-pinned.ts';
export { deletedResponse, inputItemsPage, type InputItemsQuery } from './input-items.ts';
export type { PinnedDeployment, ResponseRef, ResponseStore, StoredResponse } from './store.ts';
export { MemoryResponseStore, type MemoryResponseStoreOptions } from './memory-store.ts';
export { RedisResponseStore, defaultKeyPrefix, type RedisResponseStoreOptions } from './redis-store.ts';
export { responseStoreFor } from './store-for.ts';
export type * from './types.ts';
