import { Type } from '@sinclair/typebox';
import { definePlugin, defineProvider, type CallInfo, type Deployment, type UpstreamInit } from 'switchyard';
import { geminiChat } from './chat.ts';
import { geminiCountTokens } from './count-tokens.ts';
import { embeddings, isBatchBody, modelPath } from './embeddings.ts';
import { googleErrorInfo } from './errors.ts';
import { geminiImages } from './images.ts';
import { models } from './models.ts';
import type { SafetySetting } from './types.ts';

export const defaultGeminiBaseURL = 'https://generativelanguage.googleapis.com';

export const GeminiOptions = Type.Object(
  {
    /** Provider id used in `provider/model` names and deployments. */
    id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' })),
    apiKey: Type.Optional(Type.String()),
    /** Defaults to Google AI Studio; `/v1beta` is added unless the URL already names a version. */
    baseURL: Type.Optional(Type.String({ format: 'uri' })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    /** Sent with every chat request (a deployment's `options.safetySettings` overrides it). */
    safetySettings: Type.Optional(Type.Array(Type.Object({ category: Type.String(), threshold: Type.String() }, { additionalProperties: false }))),
  },
  { additionalProperties: false, title: 'provider-gemini' },
);

/** Bare model names the default routing sends to Gemini (`imagen-*`: images). */
const claimed = /^(gemini-|text-embedding-004$|imagen-)/;

/** `https://host` → `https://host/v1beta`; a base that already ends in a version is kept. */
export function apiRoot(baseURL: string): string {
  const trimmed = baseURL.replace(/\/+$/, '');
  return /\/v1(beta\d*|alpha)?$/.test(trimmed) ? trimmed : `${trimmed}/v1beta`;
}

/**
 * Google Gemini through the AI Studio API (`generativelanguage.googleapis.com`): chat, streamed
 * chat, embeddings, the model list and image generation (Imagen), translated to and from
 * OpenAI's format.
 *
 * @example
 * plugins: [gemini({ apiKey: process.env.GEMINI_API_KEY })]
 */
export default definePlugin(GeminiOptions, (options) => {
  const id = options.id ?? 'gemini';
  const root = apiRoot(options.baseURL ?? defaultGeminiBaseURL);
  const fixedHeaders: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  const safetySettings = options.safetySettings as SafetySetting[] | undefined;

  function request(target: Deployment, call: CallInfo): UpstreamInit {
    const base = target.baseURL === undefined ? root : apiRoot(target.baseURL);
    const headers = target.headers === undefined ? { ...fixedHeaders } : { ...fixedHeaders, ...target.headers };
    const apiKey = target.apiKey ?? options.apiKey;
    // The key goes in a header, never in the URL, so it cannot leak into logs of URLs.
    if (apiKey !== undefined && apiKey !== '') headers['x-goog-api-key'] = apiKey;
    if (call.operation === 'models') return { url: `${base}/models?pageSize=1000`, headers, method: 'GET' };
    const model = `${base}/${modelPath(target.model)}`;
    if (call.operation === 'count_tokens') return { url: `${model}:countTokens`, headers };
    // Imagen answers `images.generate` (the only forwarded route Gemini serves, translated).
    if (call.operation === 'images') return { url: `${model}:predict`, headers };
    if (call.operation === 'embeddings') return { url: `${model}:${isBatchBody(call.body) ? 'batchEmbedContents' : 'embedContent'}`, headers };
    return { url: call.stream ? `${model}:streamGenerateContent?alt=sse` : `${model}:generateContent`, headers };
  }

  const adapter = defineProvider({
    id,
    claims: (model: string) => claimed.test(model),
    request,
    errorInfo: googleErrorInfo,
    chat: geminiChat(id, safetySettings),
    embeddings,
    models,
    countTokens: geminiCountTokens(id),
    forwardTranslations: { '/images/generations': geminiImages(id) },
  });

  return {
    name: id === 'gemini' ? 'provider-gemini' : `provider-${id}`,
    setup(gateway) {
      gateway.providers.register(adapter);
    },
  };
});
