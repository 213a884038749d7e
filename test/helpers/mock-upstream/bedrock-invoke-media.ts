/**
 * InvokeModel bodies of Bedrock's image and rerank models, as the strict Bedrock mock serves
 * them: Amazon Nova Canvas and Titan Image Generator (`taskType: TEXT_IMAGE`) and Cohere Rerank
 * (`api_version` 2). Bad bodies throw `InvokeRejected` with Bedrock's wording (a 400
 * ValidationException); a prompt with "forbidden" is blocked by the content filter, as Nova does.
 */
export class InvokeRejected extends Error {}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deterministic image bytes per prompt and index. */
export function mockBedrockImageBase64(prompt: string, index: number): string {
  return Buffer.from(`\x89PNG bedrock image ${index} of ${prompt}`).toString('base64');
}

function only(body: Json, allowed: readonly string[], required: readonly string[], at = '#'): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw new InvokeRejected(`Malformed input request: ${at}: extraneous key [${key}] is not permitted, please reformat your input and try again.`);
  }
  for (const key of required) {
    if (!(key in body)) throw new InvokeRejected(`Malformed input request: ${at}: required key [${key}] not found, please reformat your input and try again.`);
  }
}

/** Titan Image Generator's sizes (a part of its list); Nova takes any size within its rules. */
const titanSizes = new Set(['1024x1024', '768x768', '512x512', '768x1152', '1152x768', '1280x768', '768x1280', '1408x768', '768x1408']);

export function invokeTextImage(modelId: string, body: unknown): Json {
  if (!isObject(body)) throw new InvokeRejected('Malformed input request: #: expected type: JSONObject, please reformat your input and try again.');
  only(body, ['taskType', 'textToImageParams', 'imageGenerationConfig'], ['taskType']);
  if (body.taskType !== 'TEXT_IMAGE') throw new InvokeRejected(`Malformed input request: #/taskType: ${String(body.taskType)} is not a valid enum value, please reformat your input and try again.`);
  const params = body.textToImageParams;
  if (!isObject(params)) throw new InvokeRejected('Malformed input request: #: required key [textToImageParams] not found, please reformat your input and try again.');
  only(params, ['text', 'negativeText', 'style'], ['text'], '#/textToImageParams');
  const text = params.text;
  if (typeof text !== 'string' || text.length < 1 || text.length > 1024) throw new InvokeRejected('Malformed input request: #/textToImageParams/text: expected minLength: 1, maxLength: 1024, please reformat your input and try again.');
  const config = (body.imageGenerationConfig ?? {}) as Json;
  only(config, ['numberOfImages', 'width', 'height', 'quality', 'cfgScale', 'seed'], [], '#/imageGenerationConfig');
  const count = config.numberOfImages ?? 1;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 5) throw new InvokeRejected('Malformed input request: #/imageGenerationConfig/numberOfImages: must be between 1 and 5, please reformat your input and try again.');
  if (config.quality !== undefined && config.quality !== 'standard' && config.quality !== 'premium') {
    throw new InvokeRejected(`Malformed input request: #/imageGenerationConfig/quality: ${String(config.quality)} is not a valid enum value, please reformat your input and try again.`);
  }
  const width = (config.width ?? 1024) as number;
  const height = (config.height ?? 1024) as number;
  if (modelId.startsWith('amazon.nova-canvas')) {
    const ok = [width, height].every((d) => Number.isInteger(d) && d >= 320 && d <= 4096 && d % 16 === 0) && width * height <= 4_194_304 && Math.max(width / height, height / width) <= 4;
    if (!ok) throw new InvokeRejected('Malformed input request: width and height must be between 320 and 4096 px, divisible by 16, with an aspect ratio from 1:4 to 4:1 and at most 4,194,304 pixels.');
  } else if (!titanSizes.has(`${width}x${height}`)) {
    throw new InvokeRejected(`Malformed input request: #/imageGenerationConfig: ${width}x${height} is not a supported size, please reformat your input and try again.`);
  }
  if (/forbidden/i.test(text)) throw new InvokeRejected('This request has been blocked by our content filters.');
  return { images: Array.from({ length: count }, (_, i) => mockBedrockImageBase64(text, i)), error: null };
}

const words = (s: string): Set<string> => new Set(s.toLowerCase().match(/[a-z0-9]+/g) ?? []);

/** Cohere Rerank (api_version 2): documents scored by the query words they share. */
export function invokeRerank(body: unknown): Json {
  if (!isObject(body)) throw new InvokeRejected('Malformed input request: #: expected type: JSONObject, please reformat your input and try again.');
  only(body, ['query', 'documents', 'top_n', 'api_version', 'max_tokens_per_doc'], ['query', 'documents', 'api_version']);
  if (!Number.isInteger(body.api_version) || (body.api_version as number) < 2) {
    throw new InvokeRejected('Malformed input request: #/api_version: expected minimum: 2, please reformat your input and try again.');
  }
  const { query, documents } = body;
  if (typeof query !== 'string' || query === '') throw new InvokeRejected('Malformed input request: #/query: expected minLength: 1, please reformat your input and try again.');
  if (!Array.isArray(documents) || documents.length === 0 || documents.length > 1000 || documents.some((d) => typeof d !== 'string')) {
    throw new InvokeRejected('Malformed input request: #/documents: expected 1 to 1000 strings, please reformat your input and try again.');
  }
  const topN = body.top_n ?? documents.length;
  if (!Number.isInteger(topN) || (topN as number) < 1) throw new InvokeRejected('Malformed input request: #/top_n: expected minimum: 1, please reformat your input and try again.');
  const q = words(query);
  const scored = (documents as string[]).map((d, index) => {
    const w = words(d);
    const shared = [...q].filter((x) => w.has(x)).length;
    return { index, relevance_score: Math.round((shared / Math.max(1, q.size)) * 1000) / 1000 };
  });
  scored.sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index);
  return { id: 'mock-rerank-id', results: scored.slice(0, topN as number) };
}
