import { definePlugin, estimatePromptTokens } from 'switchyard';
import { toAnthropicError } from './errors.ts';
import { messagesFormat } from './format.ts';
import { messagesToChat } from './request.ts';

/** Where Claude-style clients look: the API's own paths, with and without `/v1`, and under `/anthropic`. */
const messagesPaths = ['/v1/messages', '/messages', '/anthropic/v1/messages'];
const countPaths = messagesPaths.map((p) => `${p}/count_tokens`);

/**
 * `POST /v1/messages` (and `/anthropic/v1/messages`; `?beta=true` is accepted as Claude-style
 * clients send it) over every provider, through the same stages as chat, and
 * `POST /v1/messages/count_tokens`, estimated from the translated request.
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
      summary: 'Count the input tokens of a Messages request (estimated: `x-switchyard-token-count`)',
      tag: 'messages',
      errors: toAnthropicError,
      async handle(call) {
        const body = await call.json();
        // count_tokens bodies carry no max_tokens, which a Messages request requires.
        const request = messagesToChat(typeof body === 'object' && body !== null && !Array.isArray(body) ? { max_tokens: 1, ...body } : body);
        return {
          body: { input_tokens: estimatePromptTokens(request) },
          headers: { 'x-switchyard-token-count': 'estimated' },
        };
      },
    });
  },
}));
