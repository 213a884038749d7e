/**
 * Type-level proof that the snake_case `Wire<…>` types of the Cohere plugin are what the SDK's own
 * serialisers put on the wire (their `Raw` schemas). Checked by `tsc`; nothing runs.
 */
import { expectTypeOf } from 'vitest';
import type * as raw from '../../node_modules/cohere-ai/serialization/index.js';
import type {
  CohereChatRequest,
  CohereChatResponse,
  CohereEmbedRequest,
  CohereEmbedResponse,
  CohereMessage,
  CohereModelList,
  CohereStreamEvent,
} from '../../plugins/providers/cohere/wire.ts';

// What we send must be accepted by the raw request schema (raw adds `| null` to optionals).
expectTypeOf<Omit<CohereChatRequest, 'stream'>>().toExtend<raw.V2ChatRequest.Raw>();
expectTypeOf<CohereMessage>().toExtend<raw.ChatMessageV2.Raw>();
expectTypeOf<CohereEmbedRequest>().toExtend<raw.V2EmbedRequest.Raw>();
// And the raw request schema has no key our type lacks.
expectTypeOf<keyof raw.V2ChatRequest.Raw>().toEqualTypeOf<Exclude<keyof CohereChatRequest, 'stream'>>();
expectTypeOf<keyof raw.V2EmbedRequest.Raw>().toEqualTypeOf<keyof CohereEmbedRequest>();
// What we read: same keys as the raw response schemas.
expectTypeOf<keyof raw.V2ChatResponse.Raw>().toEqualTypeOf<keyof CohereChatResponse>();
expectTypeOf<keyof raw.EmbedByTypeResponse.Raw>().toEqualTypeOf<keyof CohereEmbedResponse>();
expectTypeOf<keyof raw.ListModelsResponse.Raw>().toEqualTypeOf<keyof CohereModelList>();
expectTypeOf<CohereStreamEvent['type']>().toEqualTypeOf<raw.V2ChatStreamResponse.Raw['type']>();
expectTypeOf<CohereChatResponse>().toExtend<raw.V2ChatResponse.Raw>();
expectTypeOf<CohereStreamEvent>().toExtend<raw.V2ChatStreamResponse.Raw>();
