import { definePlugin } from 'switchyard';
import { countTokensFormat } from './count-tokens.ts';
import { toAnthropicError } from './errors.ts';
import { messagesFormat } from './format.ts';

/** Where Claude-style clients look: the API's own paths, with and without `/v1`, and under `/anthropic`. */
const messagesPaths = ['/v1/messages', '/messages', '/anthropic/v1/messages'];
const countPaths = messagesPaths.map((p) => `${p}/count_tokens`);

/**
 * `POST /v1/messages` (and `/anthropic/v1/messages`; `?beta=true` is accepted as Claude-style
 * clients send it) over every provider, through the same stages as chat, and
 * `POST /v1/messages/count_tokens`: counted by an Anthropic deployment (the body forwarded) or a
 * Gemini one (`countTokens` on the translated request), estimated locally for other providers.
 */
export default definePlugin(() => ({
  name: 'inbound-messages',
  setup(gateway) {
    gateway.route({
      method: 'POST',
      path: messagesPaths,
      summary: "Anthropic's Messages API over any provider (Anthropic's error envelope)",
      tag: 'messages',
      errors: toAnthropicError,
      inbound: messagesFormat,
    });
    gateway.route({
      method: 'POST',
      path: countPaths,
      summary: 'Count the input tokens of a Messages request (exact on Anthropic and Gemini, else estimated: `x-switchyard-token-count`)',
      tag: 'messages',
      countTokens: countTokensFormat,
    });
  },
}));
