import { Type } from '@sinclair/typebox';
import { definePlugin, defineProvider, operationNotSupported, type CallInfo, type Deployment, type UpstreamInit } from 'switchyard';
import { cohereChat } from './chat.ts';
import { cohereEmbeddings } from './embeddings.ts';
import { cohereErrorInfo } from './errors.ts';
import { cohereModels } from './models.ts';

export const defaultCohereBaseURL = 'https://api.cohere.com';

export const CohereOptions = Type.Object(
  {
    /** Provider id in `provider/model` names and deployments; default `cohere`. */
    id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' })),
    apiKey: Type.Optional(Type.String()),
    /** Without a path: the plugin adds `/v2/chat`, `/v2/embed`, `/v1/models`. */
    baseURL: Type.Optional(Type.String({ format: 'uri' })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    /** Cohere's `input_type` for embeddings (a deployment's `options.inputType` overrides it). */
    inputType: Type.Optional(
      Type.Union([
        Type.Literal('search_document'),
        Type.Literal('search_query'),
        Type.Literal('classification'),
        Type.Literal('clustering'),
      ]),
    ),
    /** Bare model names this provider answers, as a regular expression source. */
    claims: Type.Optional(Type.String()),
  },
  { additionalProperties: false, title: 'provider-cohere' },
);

const defaultClaims = /^(command-|command$|embed-|c4ai-aya-|rerank-)/;
const paths = { chat: '/v2/chat', embeddings: '/v2/embed', models: '/v1/models?page_size=1000', rerank: '/v2/rerank' } as const;

/**
 * Cohere's v2 API: chat (stream and tools included) and embeddings, translated to and from
 * OpenAI's format; rerank forwarded to `/v2/rerank` as it is; the model list from `GET /v1/models`.
 *
 * @example
 * plugins: [cohere({ apiKey: process.env.COHERE_API_KEY })]   // then model: 'command-r-plus-08-2024'
 */
export default definePlugin(CohereOptions, (options) => {
  const id = options.id ?? 'cohere';
  const baseURL = (options.baseURL ?? defaultCohereBaseURL).replace(/\/+$/, '');
  const claims = options.claims === undefined ? defaultClaims : new RegExp(options.claims);
  const fixedHeaders: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };

  function request(target: Deployment, call: CallInfo): UpstreamInit {
    const base = target.baseURL === undefined ? baseURL : target.baseURL.replace(/\/+$/, '');
    const headers = target.headers === undefined ? { ...fixedHeaders } : { ...fixedHeaders, ...target.headers };
    const apiKey = target.apiKey ?? options.apiKey;
    if (apiKey !== undefined && apiKey !== '') headers.authorization = `Bearer ${apiKey}`;
    if (call.stream) headers.accept = 'text/event-stream';
    if (call.operation === 'models') return { url: base + paths.models, headers, method: 'GET' };
    // Cohere has no legacy completions; the core never calls an operation without a translation.
    if (call.operation !== 'chat' && call.operation !== 'embeddings' && call.operation !== 'rerank') throw operationNotSupported(target.model, call.operation);
    return { url: base + paths[call.operation], headers };
  }

  const adapter = defineProvider({
    id,
    claims: (model: string) => claims.test(model),
    request,
    errorInfo: cohereErrorInfo,
    chat: cohereChat,
    embeddings: cohereEmbeddings(options.inputType ?? 'search_document'),
    models: cohereModels,
    // `/v2/rerank` takes and answers the shape clients send (`{model, query, documents, top_n}`).
    forwards: ['rerank'],
  });

  return {
    name: id === 'cohere' ? 'provider-cohere' : `provider-${id}`,
    setup(gateway) {
      gateway.providers.register(adapter);
    },
  };
});
