import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { ChatTranslation } from 'switchyard';
import { toAnthropicRequest } from './request.ts';
import { toChatCompletion } from './response.ts';
import { chunksFromEvent, endStream, startStream, type AnthropicStreamEvent, type StreamState } from './stream.ts';
import type { AnthropicRequest, AnthropicSettings } from './types.ts';

/**
 * The chat translation, bound to the plugin's settings (default `max_tokens`, the id and key
 * used in stream errors). Built once per plugin instance, at set-up.
 */
export function anthropicChat(settings: AnthropicSettings): ChatTranslation<AnthropicRequest, Message, AnthropicStreamEvent, StreamState> {
  const secrets = settings.apiKey === undefined ? [] : [settings.apiKey];
  return {
    // No upstream equivalent; with `dropUnsupportedParams` they are dropped and logged.
    unsupported: ['seed', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'audio', 'prediction', 'web_search_options', 'functions', 'function_call'],
    // Anthropic has no `n`: the core fans out n > 1 into parallel calls.
    supportsN: false,
    toRequest: (req, target) => toAnthropicRequest(req, target, settings),
    fromResponse: (res, _target, req) => toChatCompletion(res, req),
    startStream: (target, req) => startStream(settings.id, target.apiKey === undefined ? secrets : [...secrets, target.apiKey], target.model, req),
    fromEvent: chunksFromEvent,
    endStream,
  };
}
