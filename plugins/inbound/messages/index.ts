/**
 * Anthropic's Messages API over any provider: passed through natively to Anthropic deployments; for the others, pure translations between a Messages body
 * and the canonical chat request, a chat answer and a Message, chat chunks and Messages stream
 * events, and gateway errors and Anthropic's error envelope. See README.md for what maps to what.
 */
export { default } from './plugin.ts';
export { messagesFormat } from './format.ts';
export { messagesToChat } from './request.ts';
export { chatToMessage, toolInput } from './response.ts';
export { MessagesStreamEncoder } from './stream.ts';
export { anthropicErrorType, streamErrorType, toAnthropicError } from './errors.ts';
export { anthropicUsage } from './usage.ts';
export { messagesNative, MessagesStreamUsageReader, MessageUsageReader, openAIUsage } from './native.ts';
export { toolErrorPrefix } from './messages.ts';
export type * from './types.ts';
