import {
  invalidParam,
  type CreateEmbeddingResponse,
  type Deployment,
  type EmbeddingRequest,
  type EmbeddingsTranslation,
} from 'switchyard';
import type { CohereEmbedInputType, CohereEmbedRequest, CohereEmbedResponse } from './wire.ts';

/** Cohere takes at most 96 texts per `/v2/embed` call; the core splits larger batches. */
export const maxTextsPerCall = 96;

const inputTypes: readonly CohereEmbedInputType[] = ['search_document', 'search_query', 'classification', 'clustering'];

export function isInputType(value: unknown): value is CohereEmbedInputType {
  return typeof value === 'string' && (inputTypes as readonly string[]).includes(value);
}

function texts(input: EmbeddingRequest['input']): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((x): x is string => typeof x === 'string')) return input;
  throw invalidParam('input', 'cohere embeds text: send a string or an array of strings, not token arrays');
}

/**
 * OpenAI embeddings through Cohere's `/v2/embed`. Cohere needs an `input_type`: the deployment's
 * `options.inputType`, else the plugin's, else `search_document` (documents to be searched).
 */
export function cohereEmbeddings(defaultInputType: CohereEmbedInputType): EmbeddingsTranslation<CohereEmbedRequest, CohereEmbedResponse> {
  return {
    unsupported: ['user'],
    maxBatch: maxTextsPerCall,
    toRequest(req: EmbeddingRequest, target: Deployment): CohereEmbedRequest {
      const option = target.options?.inputType;
      return {
        model: target.model,
        texts: texts(req.input),
        input_type: isInputType(option) ? option : defaultInputType,
        embedding_types: ['float'],
        ...(typeof req.dimensions === 'number' ? { output_dimension: req.dimensions } : {}),
      };
    },
    fromResponse(res: CohereEmbedResponse, target: Deployment, req: EmbeddingRequest): CreateEmbeddingResponse {
      const vectors = res.embeddings.float ?? [];
      const tokens = res.meta?.billed_units?.input_tokens ?? res.meta?.tokens?.input_tokens ?? 0;
      return {
        object: 'list',
        model: target.model,
        data: vectors.map((vector, index) => ({
          object: 'embedding',
          index,
          // Floats; the core encodes them when the client asked for base64.
          embedding: vector,
        })),
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      };
    },
  };
}
