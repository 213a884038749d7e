import { invalidParam, type CreateEmbeddingResponse, type Deployment, type EmbeddingRequest, type EmbeddingsTranslation } from 'switchyard';
import type { BatchEmbedContentsRequest, BatchEmbedContentsResponse, EmbedContentRequest, EmbedContentResponse } from './types.ts';

type EmbedBody = EmbedContentRequest | BatchEmbedContentsRequest;
type EmbedAnswer = EmbedContentResponse & BatchEmbedContentsResponse;

/** The resource name Gemini wants in paths and batch entries. */
export function modelPath(model: string): string {
  return model.startsWith('models/') || model.startsWith('tunedModels/') ? model : `models/${model}`;
}

/** Whether a serialised embeddings body is a batch (`:batchEmbedContents`) or one input (`:embedContent`). */
export function isBatchBody(body: string | undefined): boolean {
  return body !== undefined && body.startsWith('{"requests":');
}

function texts(input: EmbeddingRequest['input']): string[] {
  const list: unknown[] = Array.isArray(input) ? input : [input];
  if (!list.every((x): x is string => typeof x === 'string')) {
    throw invalidParam('input', 'Gemini embeds text only; token arrays are not supported');
  }
  return list;
}

/**
 * One string → `embedContent`; a list → `batchEmbedContents`, at most 100 per call (Gemini's
 * limit; the core splits larger lists and merges them in order). `dimensions` becomes
 * `outputDimensionality`. Gemini reports no token counts for embeddings, so usage is 0.
 * `encoding_format: base64` (the `openai` SDK's default) is served by the core, which encodes
 * the floats as little-endian float32, as OpenAI does.
 */
export const embeddings: EmbeddingsTranslation<EmbedBody, EmbedAnswer> = {
  unsupported: ['user'],
  maxBatch: 100,
  toRequest(req: EmbeddingRequest, target: Deployment): EmbedBody {
    const model = modelPath(target.model);
    const one = (text: string, inBatch: boolean): EmbedContentRequest => ({
      ...(inBatch ? { model } : {}),
      content: { parts: [{ text }] },
      ...(typeof req.dimensions === 'number' ? { outputDimensionality: req.dimensions } : {}),
    });
    if (typeof req.input === 'string') return one(req.input, false);
    // `requests` first: `isBatchBody` tells the two bodies apart by it.
    return { requests: texts(req.input).map((text) => one(text, true)) };
  },
  fromResponse(res: EmbedAnswer, target: Deployment, req: EmbeddingRequest): CreateEmbeddingResponse {
    const vectors = res.embedding !== undefined ? [res.embedding] : (res.embeddings ?? []);
    return {
      object: 'list',
      model: target.model,
      data: vectors.map((v, index) => ({
        object: 'embedding',
        index,
        // Floats; the core encodes them when the client asked for base64.
        embedding: v.values ?? [],
      })),
      usage: { prompt_tokens: 0, total_tokens: 0 },
    };
  },
};
