/**
 * The canonical format is OpenAI's. We reuse the official SDK's types instead of re-declaring
 * the API (import type only: nothing of the SDK is loaded at run time).
 */
import type {
  ChatCompletion as SdkChatCompletion,
  ChatCompletionChunk as SdkChatCompletionChunk,
  ChatCompletionCreateParamsBase,
} from 'openai/resources/chat/completions';
import type { Completion, CompletionCreateParamsBase, CompletionUsage } from 'openai/resources/completions';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import type { Model } from 'openai/resources/models';

export type {
  ChatCompletionMessageParam,
  ChatCompletionContentPart,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
  ChatCompletionMessageToolCall,
} from 'openai/resources/chat/completions';
export type { Completion, CompletionUsage, CreateEmbeddingResponse, EmbeddingCreateParams, Model };

/**
 * `reasoning_content` is the de-facto field (DeepSeek, vLLM, OpenRouter…) for thinking text;
 * adapters of providers that return reasoning fill it on messages and deltas.
 */
interface WithReasoning {
  reasoning_content?: string | null;
}

export type ChatCompletionMessage = SdkChatCompletion.Choice['message'] & WithReasoning;
export type ChatCompletionChoice = Omit<SdkChatCompletion.Choice, 'message'> & { message: ChatCompletionMessage };
export type ChatCompletion = Omit<SdkChatCompletion, 'choices'> & { choices: ChatCompletionChoice[] };

export type ChatCompletionDelta = SdkChatCompletionChunk.Choice.Delta & WithReasoning;
export type ChatCompletionChunkChoice = Omit<SdkChatCompletionChunk.Choice, 'delta'> & { delta: ChatCompletionDelta };
export type ChatCompletionChunk = Omit<SdkChatCompletionChunk, 'choices'> & { choices: ChatCompletionChunkChoice[] };

/** `POST /v1/chat/completions` body. `stream` is a plain optional boolean here. */
export type ChatRequest = ChatCompletionCreateParamsBase;
/** `POST /v1/completions` body. */
export type CompletionRequest = CompletionCreateParamsBase;
/** `POST /v1/embeddings` body. */
export type EmbeddingRequest = EmbeddingCreateParams;

/** A streamed legacy completion chunk: the same shape as `Completion`, text as a delta. */
export type CompletionChunk = Completion;

/** The model operations the gateway serves. */
export type Operation = 'chat' | 'completions' | 'embeddings';

export interface RequestByOperation {
  chat: ChatRequest;
  completions: CompletionRequest;
  embeddings: EmbeddingRequest;
}
export interface ResultByOperation {
  chat: ChatCompletion;
  completions: Completion;
  embeddings: CreateEmbeddingResponse;
}
export interface ChunkByOperation {
  chat: ChatCompletionChunk;
  completions: CompletionChunk;
  embeddings: never;
}

/** Any request body the stages see; `ctx.operation` tells which. */
export type CanonicalRequest = RequestByOperation[Operation];
/** Any complete (non-streamed) result. */
export type FinalResult = ResultByOperation[Operation];
/** Any streamed chunk. */
export type StreamChunk = ChunkByOperation[Operation];

/**
 * The prompt's breakdown, as OpenAI reports it, plus one extension: `cache_creation_tokens`, the
 * prompt tokens written to a provider's prompt cache (Anthropic's `cache_creation_input_tokens`,
 * Bedrock's `cacheWriteInputTokens`). Those are billed at their own price, so cost needs them
 * apart; the name is LiteLLM's, so its readers find it. OpenAI's own newer `cache_write_tokens`
 * means the same and is read as a fallback (see `tokenParts`).
 */
export type PromptTokensDetails = CompletionUsage.PromptTokensDetails & {
  /** Prompt tokens written to the cache (included in `prompt_tokens`, never in `cached_tokens`). */
  cache_creation_tokens?: number;
};

/**
 * Token counts, with OpenAI's meaning whatever the provider: `prompt_tokens` is the whole prompt,
 * cache reads and writes included (`prompt_tokens_details.cached_tokens` = reads,
 * `prompt_tokens_details.cache_creation_tokens` = writes); `completion_tokens` includes reasoning
 * (`completion_tokens_details.reasoning_tokens`); `total_tokens` = prompt + completion. Every
 * provider adapter normalises to this at its edge, streams included.
 */
export type Usage = Omit<CompletionUsage, 'prompt_tokens_details'> & { prompt_tokens_details?: PromptTokensDetails };
