import {
  invalidParam,
  unsupportedParam,
  type CreateEmbeddingResponse,
  type Deployment,
  type EmbeddingRequest,
  type EmbeddingsTranslation,
} from 'switchyard';
import type { CohereEmbedRequest, CohereEmbedResponse, TitanEmbedRequest, TitanEmbedResponse } from './wire.ts';

export type EmbeddingFamily = 'titan' | 'cohere';

// Cross-region inference profiles prefix the model id with a geography.
const profilePrefix = /^(?:us|eu|apac|us-gov|global|jp|au|ca)\./;

/** Which InvokeModel body a model takes: from `options.embeddingFamily`, else from its id. */
export function embeddingFamily(target: Deployment): EmbeddingFamily | undefined {
  const set = target.options?.embeddingFamily;
  if (set === 'titan' || set === 'cohere') return set;
  const id = (target.model.split('/').pop() ?? '').replace(profilePrefix, '');
  if (id.startsWith('amazon.titan-embed')) return 'titan';
  if (id.startsWith('cohere.embed')) return 'cohere';
  return undefined;
}

function familyOf(target: Deployment): EmbeddingFamily {
  const family = embeddingFamily(target);
  if (family === undefined) {
    throw invalidParam('model', `'${target.model}' is not a Bedrock embedding model this adapter knows (Titan or Cohere); set options.embeddingFamily`);
  }
  return family;
}

function texts(req: EmbeddingRequest): string[] {
  const input = req.input;
  const list: unknown[] = Array.isArray(input) ? input : [input];
  return list.map((item, i) => {
    if (typeof item !== 'string') throw invalidParam(Array.isArray(input) ? `input[${i}]` : 'input', 'Bedrock embeds text, not token arrays');
    return item;
  });
}

/** A param the model cannot honour: 400, or nothing if the deployment drops unsupported params. */
function unsupported(target: Deployment, param: string, provider: string): void {
  if (target.dropUnsupportedParams !== true) throw unsupportedParam(param, provider);
}

function titanRequest(req: EmbeddingRequest, target: Deployment): TitanEmbedRequest {
  const [inputText] = texts(req) as [string];
  const body: TitanEmbedRequest = { inputText };
  // Only Titan v2 takes `dimensions` and `normalize` (v1 rejects unknown keys).
  if (/titan-embed-text-v1/.test(target.model)) {
    if (req.dimensions != null) unsupported(target, 'dimensions', target.provider);
    return body;
  }
  body.normalize = true;
  if (req.dimensions != null) body.dimensions = req.dimensions;
  return body;
}

function cohereRequest(req: EmbeddingRequest, target: Deployment): CohereEmbedRequest {
  const inputType = (req as { input_type?: unknown }).input_type ?? target.options?.inputType ?? 'search_document';
  if (typeof inputType !== 'string') throw invalidParam('input_type', 'input_type must be a string');
  const body: CohereEmbedRequest = { texts: texts(req), input_type: inputType };
  if (req.dimensions != null) {
    // Embed v4 sets its size with `output_dimension`; v3 models have a fixed size.
    if (/embed-v4/.test(target.model)) body.output_dimension = req.dimensions;
    else unsupported(target, 'dimensions', target.provider);
  }
  return body;
}

function fromTitan(res: TitanEmbedResponse, target: Deployment, req: EmbeddingRequest): CreateEmbeddingResponse {
  const tokens = res.inputTextTokenCount ?? 0;
  return {
    object: 'list',
    model: target.model,
    data: [{ object: 'embedding', index: 0, embedding: res.embedding }],
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

function fromCohere(res: CohereEmbedResponse, target: Deployment, req: EmbeddingRequest): CreateEmbeddingResponse {
  const vectors = Array.isArray(res.embeddings) ? res.embeddings : (res.embeddings.float ?? []);
  const tokens = res.meta?.billed_units?.input_tokens ?? 0;
  return {
    object: 'list',
    model: target.model,
    data: vectors.map((v, index) => ({ object: 'embedding', index, embedding: v })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/**
 * Embeddings through InvokeModel: Titan (`amazon.titan-embed-text-v2:0`: one text per call,
 * `dimensions`, normalised) and Cohere Embed (`cohere.embed-*`: up to 96 texts, `input_type`
 * from the request's `input_type`, `options.inputType`, or `search_document`).
 */
export const bedrockEmbeddings: EmbeddingsTranslation<TitanEmbedRequest | CohereEmbedRequest, TitanEmbedResponse | CohereEmbedResponse> = {
  maxBatch: (target) => (familyOf(target) === 'titan' ? 1 : 96),
  toRequest(req, target) {
    return familyOf(target) === 'titan' ? titanRequest(req, target) : cohereRequest(req, target);
  },
  fromResponse(res, target, req) {
    return familyOf(target) === 'titan'
      ? fromTitan(res as TitanEmbedResponse, target, req)
      : fromCohere(res as CohereEmbedResponse, target, req);
  },
};
