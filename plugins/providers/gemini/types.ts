/**
 * The Gemini REST wire shapes (v1beta, AI Studio), built from the official `@google/genai`
 * types. The SDK's own request type (`GenerateContentParameters`) is its client-side shape
 * (`config` instead of `generationConfig`…), so the REST request is assembled here from the
 * SDK's part types; responses reuse the SDK's classes minus their getters.
 */
import type {
  Candidate,
  Content,
  ContentEmbedding,
  GenerateContentResponse,
  GenerationConfig,
  Model,
  SafetySetting,
  Tool,
  ToolConfig,
} from '@google/genai';

export type {
  Candidate,
  Content,
  FunctionCall,
  FunctionDeclaration,
  GenerationConfig,
  Part,
  SafetySetting,
  Schema,
  Tool,
  ToolConfig,
} from '@google/genai';

/** `POST models/{model}:generateContent` and `:streamGenerateContent` body. */
export interface GenerateContentRequest {
  contents: Content[];
  systemInstruction?: Content;
  tools?: Tool[];
  toolConfig?: ToolConfig;
  safetySettings?: SafetySetting[];
  generationConfig?: GenerationConfig;
}

/** One answer, or one SSE event of a stream; errors may also arrive inside a stream. */
export type GenerateContentBody = Pick<
  GenerateContentResponse,
  'candidates' | 'promptFeedback' | 'usageMetadata' | 'modelVersion' | 'responseId' | 'createTime'
> & { error?: GoogleErrorDetail };

export type UsageMetadata = NonNullable<GenerateContentResponse['usageMetadata']>;
export type { Candidate as GeminiCandidate };

/** `POST models/{model}:embedContent` body. */
export interface EmbedContentRequest {
  /** Required inside a batch, where it must name the model of the URL. */
  model?: string;
  content: Content;
  outputDimensionality?: number;
}

/** `POST models/{model}:batchEmbedContents` body. */
export interface BatchEmbedContentsRequest {
  requests: EmbedContentRequest[];
}

export interface EmbedContentResponse {
  embedding?: ContentEmbedding;
}

export interface BatchEmbedContentsResponse {
  embeddings?: ContentEmbedding[];
}

/** `GET models` answer. */
export interface ListModelsResponse {
  models?: Pick<Model, 'name' | 'displayName'>[];
  nextPageToken?: string;
}

/** Google's error envelope: `{"error":{"code","message","status","details"}}`. */
export interface GoogleErrorDetail {
  code?: number;
  message?: string;
  status?: string;
  details?: { '@type'?: string; retryDelay?: string; reason?: string }[];
}
