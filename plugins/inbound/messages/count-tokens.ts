import type { ChatRequest, CountTokensFormat, TokenCount } from 'switchyard';
import { toAnthropicError } from './errors.ts';
import { messagesToChat } from './request.ts';

/**
 * A `count_tokens` body as a chat request: validated and translated as a Messages body is. Such a
 * body has no `max_tokens` (Anthropic refuses one there), which the Messages translation requires,
 * so a placeholder stands in; nothing reads it, since a count generates nothing.
 */
export function countBodyToChat(body: unknown): ChatRequest {
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  return messagesToChat(isObject ? { max_tokens: 1, ...body } : body);
}

/**
 * Anthropic's `POST /v1/messages/count_tokens`: `{input_tokens}` in Anthropic's shape, counted by
 * the deployment's provider where it can (Anthropic, Gemini), else estimated by the gateway (the
 * core adds `x-switchyard-token-count: estimated`). Errors in Anthropic's envelope.
 */
export const countTokensFormat: CountTokensFormat = Object.freeze<CountTokensFormat>({
  name: 'messages-count-tokens',
  decode: countBodyToChat,
  encode: (count: TokenCount) => ({ input_tokens: count.inputTokens }),
  errors: toAnthropicError,
});
