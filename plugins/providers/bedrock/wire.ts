/**
 * Bedrock's JSON wire shapes, derived from the official SDK's types. The SDK models blobs as
 * `Uint8Array` (it base64-encodes them itself); on the wire they are base64 strings, and the
 * model id travels in the path, not the body.
 */
import type {
  ContentBlock,
  ConverseRequest,
  ConverseResponse,
  ConverseStreamOutput,
  ImageBlock,
  StopReason,
  TokenUsage,
} from '@aws-sdk/client-bedrock-runtime';

export type { ConverseResponse, ConverseStreamOutput, StopReason, TokenUsage };

export type WireImageBlock = Omit<ImageBlock, 'source'> & { source: { bytes: string } };

/** The content blocks this adapter sends. */
export type WireContentBlock =
  | ContentBlock.TextMember
  | ContentBlock.ToolUseMember
  | ContentBlock.ToolResultMember
  | { image: WireImageBlock };

export interface WireMessage {
  role: 'user' | 'assistant';
  content: WireContentBlock[];
}

/** The body of `POST /model/{modelId}/converse` (and `/converse-stream`). */
export type ConverseWireRequest = Omit<ConverseRequest, 'modelId' | 'messages'> & { messages: WireMessage[] };

/** An exception or error frame of the event stream, as `decodeStream` reports it. */
export interface StreamException {
  /** `:exception-type` (e.g. `throttlingException`) or `:error-code`. */
  readonly type: string;
  readonly message: string;
}

/** Titan Text Embeddings (InvokeModel body). */
export interface TitanEmbedRequest {
  inputText: string;
  dimensions?: number;
  normalize?: boolean;
}
export interface TitanEmbedResponse {
  embedding: number[];
  inputTextTokenCount: number;
}

/** Cohere Embed on Bedrock (InvokeModel body). */
export interface CohereEmbedRequest {
  texts: string[];
  input_type: string;
  truncate?: 'NONE' | 'START' | 'END';
  output_dimension?: number;
}
export interface CohereEmbedResponse {
  id?: string;
  response_type?: 'embeddings_floats' | 'embeddings_by_type';
  /** A list of vectors (`embeddings_floats`) or vectors by type (`embeddings_by_type`). */
  embeddings: number[][] | { float?: number[][] };
  texts?: string[];
  meta?: { billed_units?: { input_tokens?: number } };
}
