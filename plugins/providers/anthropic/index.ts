import { Type } from '@sinclair/typebox';
import { definePlugin, defineProvider, type CallInfo, type Deployment, type UpstreamInit } from 'switchyard';
import { anthropicChat } from './chat.ts';
import { anthropicCountTokens } from './count-tokens.ts';
import { anthropicErrorInfo } from './errors.ts';
import { anthropicModels } from './models.ts';

export const AnthropicOptions = Type.Object(
  {
    /** Provider id used in `provider/model` names and deployments; default `anthropic`. */
    id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' })),
    apiKey: Type.Optional(Type.String()),
    /** Like the official SDK's `ANTHROPIC_BASE_URL`: the origin, with or without `/v1`. */
    baseURL: Type.Optional(Type.String({ format: 'uri' })),
    /** The `anthropic-version` header. */
    version: Type.Optional(Type.String({ minLength: 1 })),
    /** `max_tokens` sent when a request sets none (Anthropic requires one). */
    defaultMaxTokens: Type.Optional(Type.Integer({ minimum: 1 })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false, title: 'provider-anthropic' },
);

export const defaultBaseURL = 'https://api.anthropic.com';
export const defaultVersion = '2023-06-01';
export const defaultMaxTokens = 4096;

/** The API root ending in `/v1`, whether the configured URL had it or not. */
export function apiRoot(baseURL: string): string {
  const trimmed = baseURL.replace(/\/+$/, '');
  return /\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

/**
 * Anthropic's Messages API behind the OpenAI chat format: system prompts, vision, tools,
 * JSON mode (as a forced tool), extended thinking, prompt caching and streaming.
 *
 * @example
 * plugins: [anthropic({ apiKey: process.env.ANTHROPIC_API_KEY })]
 */
export default definePlugin(AnthropicOptions, (options) => {
  const id = options.id ?? 'anthropic';
  const root = apiRoot(options.baseURL ?? defaultBaseURL);
  const fixedHeaders: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': options.version ?? defaultVersion,
    ...options.headers,
  };

  function request(target: Deployment, call: CallInfo): UpstreamInit {
    const base = target.baseURL === undefined ? root : apiRoot(target.baseURL);
    const headers = target.headers === undefined ? { ...fixedHeaders } : { ...fixedHeaders, ...target.headers };
    const apiKey = target.apiKey ?? options.apiKey;
    if (apiKey !== undefined && apiKey !== '') headers['x-api-key'] = apiKey;
    if (call.operation === 'models') return { url: `${base}/models?limit=1000`, headers, method: 'GET' };
    if (call.operation === 'count_tokens') return { url: `${base}/messages/count_tokens`, headers };
    return { url: `${base}/messages`, headers };
  }

  const adapter = defineProvider({
    id,
    claims: (model) => model.startsWith('claude-'),
    request,
    errorInfo: anthropicErrorInfo,
    chat: anthropicChat({ id, defaultMaxTokens: options.defaultMaxTokens ?? defaultMaxTokens, apiKey: options.apiKey }),
    models: anthropicModels,
    countTokens: anthropicCountTokens(id),
    // Messages API calls (`/v1/messages`) come to `/messages` as the client sent them.
    forwards: ['messages'],
  });

  return {
    name: id === 'anthropic' ? 'provider-anthropic' : `provider-${id}`,
    setup(gateway) {
      gateway.providers.register(adapter);
    },
  };
});
