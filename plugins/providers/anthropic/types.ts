import type { MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages';

/**
 * The Messages API request body. The SDK we type against no longer lists the sampling params,
 * but the API documents `temperature` (0–1), `top_p` and `top_k` for the Claude 3.x/4.x models
 * this adapter targets, so they are added back here.
 */
export type AnthropicRequest = MessageCreateParamsBase & {
  temperature?: number;
  top_p?: number;
  top_k?: number;
};

/** Plugin-level settings the translation needs, resolved once at set-up. */
export interface AnthropicSettings {
  /** Provider id, for error messages. */
  readonly id: string;
  /** `max_tokens` sent when the client set none (Anthropic requires it). */
  readonly defaultMaxTokens: number;
  /** Plugin-level key, scrubbed from error messages that arrive inside a stream. */
  readonly apiKey: string | undefined;
}

/** Name of the forced tool that carries a `response_format` answer, unless the schema names one. */
export const jsonToolName = 'json_response';
