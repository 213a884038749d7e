import type { ChatTranslation } from 'switchyard';
import { toGenerateContent, unsupportedChatParams } from './request.ts';
import { toChatCompletion } from './response.ts';
import { endStream, fromEvent, startStream, type StreamState } from './stream.ts';
import type { GenerateContentBody, GenerateContentRequest, SafetySetting } from './types.ts';

/**
 * Chat through `generateContent` / `streamGenerateContent?alt=sse`. `n` is Gemini's own
 * `candidateCount`, so the core does not fan out.
 */
export function geminiChat(
  provider: string,
  safetySettings: readonly SafetySetting[] | undefined,
): ChatTranslation<GenerateContentRequest, GenerateContentBody, GenerateContentBody, StreamState> {
  return {
    unsupported: unsupportedChatParams,
    supportsN: true,
    toRequest: (req, target) => toGenerateContent(req, target, safetySettings),
    fromResponse: toChatCompletion,
    startStream: (target, req) => startStream(provider, target, req),
    fromEvent: (event, state) => fromEvent(event, state),
    endStream,
  };
}
