import { upstreamInvalid, type CountTokensTranslation } from 'switchyard';
import { modelPath } from './embeddings.ts';
import { toGenerateContent } from './request.ts';
import type { GenerateContentRequest } from './types.ts';

/** `models/{model}:countTokens`: a whole generate request, so the system prompt and tools count too. */
export interface CountTokensBody {
  generateContentRequest: Pick<GenerateContentRequest, 'contents' | 'systemInstruction' | 'tools' | 'toolConfig'> & { model: string };
}

interface CountTokensAnswer {
  totalTokens?: unknown;
}

/**
 * Token counts by Gemini: the client's request, translated to chat, goes through the same
 * `generateContent` builder as a chat call. Only what takes up input is sent: a top-level
 * `contents` would not count `systemInstruction` or `tools` (the API refuses them beside it), and
 * generation settings count nothing.
 */
export function geminiCountTokens(provider: string): CountTokensTranslation<CountTokensBody, CountTokensAnswer> {
  return {
    toRequest({ chat }, target) {
      const full = toGenerateContent(chat, target, undefined);
      const request: CountTokensBody['generateContentRequest'] = { model: modelPath(target.model), contents: full.contents };
      if (full.systemInstruction !== undefined) request.systemInstruction = full.systemInstruction;
      if (full.tools !== undefined) request.tools = full.tools;
      if (full.toolConfig !== undefined) request.toolConfig = full.toolConfig;
      return { generateContentRequest: request };
    },
    fromResponse(res) {
      const total = res?.totalTokens;
      // Gemini leaves the field out of its JSON when the count is 0.
      if (total === undefined) return 0;
      if (typeof total !== 'number' || !Number.isInteger(total) || total < 0) throw upstreamInvalid(provider, 'countTokens answer has no totalTokens');
      return total;
    },
  };
}
