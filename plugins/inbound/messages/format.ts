import type { InboundFormat } from 'switchyard';
import { toAnthropicError } from './errors.ts';
import { messagesNative } from './native.ts';
import { messagesToChat } from './request.ts';
import { chatToMessage } from './response.ts';
import { MessagesStreamEncoder } from './stream.ts';

/**
 * Anthropic's Messages API as an inbound format: passed through natively to Anthropic deployments
 * (`native`); for every other provider, bodies decoded to chat requests, answers and streams
 * encoded back under the model name the client sent. Errors in Anthropic's envelope.
 */
export const messagesFormat: InboundFormat = Object.freeze<InboundFormat>({
  name: 'messages',
  decode: (body: unknown) => messagesToChat(body),
  encode: (result, ctx) => chatToMessage(result, ctx.model),
  encodeStream: (ctx) => new MessagesStreamEncoder({ model: ctx.model }),
  errors: toAnthropicError,
  native: messagesNative,
});
