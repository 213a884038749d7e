/**
 * Cohere's v2 wire format, derived from the official `cohere-ai` SDK types. The SDK exposes its
 * types in camelCase (its serialisers rename them); the HTTP API speaks snake_case. `Wire<T>`
 * renames the keys at the type level, so every translation is checked against the SDK's own
 * definitions (test/types/cohere-wire.test-d.ts proves the result matches the SDK's raw schemas).
 */
import type { Cohere } from 'cohere-ai';

type SnakeCase<S extends string> = S extends `${infer C}${infer Rest}`
  ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${SnakeCase<Rest>}`
  : S;

/** The snake_case form of an SDK type, recursively (arrays, unions and records included). */
export type Wire<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends readonly (infer E)[]
    ? Wire<E>[]
    : T extends object
      ? { [K in keyof T as K extends string ? SnakeCase<K> : K]: Wire<T[K]> }
      : T;

/** `POST /v2/chat` body; `stream` is sent only by the streaming call. */
export type CohereChatRequest = Wire<Cohere.V2ChatRequest> & { stream?: boolean };
export type CohereMessage = Wire<Cohere.ChatMessageV2>;
export type CohereUserContent = Wire<Cohere.Content>;
export type CohereTool = Wire<Cohere.ToolV2>;
export type CohereToolCall = Wire<Cohere.ToolCallV2>;
export type CohereResponseFormat = Wire<Cohere.ResponseFormatV2>;
export type CohereChatResponse = Wire<Cohere.V2ChatResponse>;
export type CohereFinishReason = Cohere.ChatFinishReason;
export type CohereUsage = Wire<Cohere.Usage>;
/** One event of the `/v2/chat` stream (the `data` of each SSE message). */
export type CohereStreamEvent = Wire<Cohere.V2ChatStreamResponse>;
export type CohereEmbedRequest = Wire<Cohere.V2EmbedRequest>;
export type CohereEmbedResponse = Wire<Cohere.EmbedByTypeResponse>;
export type CohereEmbedInputType = Cohere.EmbedInputType;
export type CohereModelList = Wire<Cohere.ListModelsResponse>;
