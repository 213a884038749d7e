import { GatewayError, invalidParam, unsupportedParam, upstreamInvalid, type Deployment, type ForwardTranslation } from 'switchyard';
import { baseModelId } from './model-id.ts';

/** Cohere Rerank's InvokeModel body on Bedrock (`api_version` 2: Rerank 3.5's). */
export interface BedrockRerankRequest {
  readonly query: string;
  readonly documents: readonly unknown[];
  readonly top_n?: number;
  readonly max_tokens_per_doc?: number;
  readonly api_version: 2;
}

export interface BedrockRerankResponse {
  readonly id?: string;
  readonly results?: readonly { readonly index?: unknown; readonly relevance_score?: unknown }[];
  readonly meta?: unknown;
}

/** Cohere's rerank answer (v2): the shape `/v1/rerank` answers for every provider. */
export interface RerankAnswer {
  readonly id?: string;
  readonly results: readonly { readonly index: number; readonly relevance_score: number }[];
  readonly meta?: unknown;
}

const rerankModels = /^cohere\.rerank-/;

const handled = new Set(['model', 'query', 'documents', 'top_n', 'max_tokens_per_doc']);

/**
 * Cohere's `/v2/rerank` on Cohere Rerank through Bedrock's InvokeModel
 * (`cohere.rerank-v3-5:0`), for `provider` (its id, named in 400s): `query`, `documents`,
 * `top_n` and `max_tokens_per_doc` as they are, with `api_version: 2`; other fields (v1's
 * `return_documents`, `rank_fields`, `max_chunks_per_doc`) and a model that is not Cohere
 * Rerank: 400 naming them. The answer's `results` (`index`, `relevance_score`) go back in
 * Cohere's shape, with its `id` and `meta` when it sent them.
 */
export function bedrockRerank(provider: string): ForwardTranslation<BedrockRerankRequest, BedrockRerankResponse> {
  return {
    toRequest(request: Readonly<Record<string, unknown>>, target: Deployment): BedrockRerankRequest {
      if (!rerankModels.test(baseModelId(target.model))) {
        throw new GatewayError(400, 'invalid_request_error', `model '${target.model}' on provider '${provider}' does not rerank through this route (Cohere Rerank does)`, {
          param: 'model',
          code: 'unsupported_parameter',
          provider,
        });
      }
      for (const key of Object.keys(request)) if (!handled.has(key)) throw unsupportedParam(key, provider);
      const { query, documents, top_n: topN, max_tokens_per_doc: maxTokens } = request;
      if (typeof query !== 'string' || query === '') throw invalidParam('query', "'query' must be a non-empty string");
      if (!Array.isArray(documents) || documents.length === 0) throw invalidParam('documents', "'documents' must be a non-empty list");
      if (topN !== undefined && (typeof topN !== 'number' || !Number.isInteger(topN) || topN < 1)) throw invalidParam('top_n', "'top_n' must be a positive integer");
      if (maxTokens !== undefined && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)) {
        throw invalidParam('max_tokens_per_doc', "'max_tokens_per_doc' must be a positive integer");
      }
      return {
        query,
        documents,
        ...(topN === undefined ? {} : { top_n: topN }),
        ...(maxTokens === undefined ? {} : { max_tokens_per_doc: maxTokens }),
        api_version: 2,
      };
    },

    fromResponse(response: BedrockRerankResponse): RerankAnswer {
      if (!Array.isArray(response?.results)) throw upstreamInvalid(provider, 'rerank answer has no results');
      const results = response.results.map((r) => {
        if (typeof r?.index !== 'number' || typeof r.relevance_score !== 'number') throw upstreamInvalid(provider, 'rerank result without index or relevance_score');
        return { index: r.index, relevance_score: r.relevance_score };
      });
      return {
        ...(typeof response.id === 'string' ? { id: response.id } : {}),
        results,
        ...(typeof response.meta === 'object' && response.meta !== null ? { meta: response.meta } : {}),
      };
    },
  };
}
