import { GatewayError, invalidParam, unsupportedParam, upstreamInvalid, type Deployment, type ForwardTranslation } from 'switchyard';

/** Imagen's `:predict` body on the Gemini API. */
export interface ImagenRequest {
  readonly instances: readonly [{ readonly prompt: string }];
  readonly parameters: { readonly sampleCount: number; readonly aspectRatio?: ImagenAspectRatio };
}

/** One generated image, or (with `raiFilteredReason`) the place of one the safety filter held back. */
export interface ImagenPrediction {
  readonly bytesBase64Encoded?: string;
  readonly mimeType?: string;
  readonly raiFilteredReason?: string;
}

export interface ImagenResponse {
  readonly predictions?: readonly ImagenPrediction[];
}

/** OpenAI's images answer, as far as a translated one fills it. */
export interface ImagesAnswer {
  readonly created: number;
  readonly data: readonly { readonly b64_json: string }[];
}

type ImagenAspectRatio = '1:1' | '3:4' | '4:3' | '9:16' | '16:9';

/** The aspect ratios Imagen draws; a client may name one as `size` (the SDK sends any string). */
const aspectRatios: readonly string[] = ['1:1', '3:4', '4:3', '9:16', '16:9'];

/** Imagen draws 1 to 4 images a call (and 4 when `sampleCount` is left out: it is always sent). */
const maxImages = 4;

/** Fields of OpenAI's images request that are read here; any other field has no equivalent. */
const handled = new Set(['model', 'prompt', 'n', 'size', 'response_format', 'quality']);

/**
 * `images.generate` on Imagen (`models/{model}:predict`), for `provider` (its id, named in 400s):
 * - `prompt` → `instances[0].prompt`; `n` (1–4, default 1) → `parameters.sampleCount`;
 * - `size` `1024x1024` → aspect ratio `1:1`, Imagen's default and its 1K square; an aspect
 *   ratio (`16:9`) as it is; `auto` or none → Imagen's default. Other pixel sizes have no exact
 *   Imagen equivalent (its landscape and portrait sizes are not OpenAI's): 400 naming `size`;
 * - `response_format`: `b64_json` (also the answer without one); `url` cannot be honoured (Imagen
 *   answers bytes, and the gateway keeps no files): 400 naming it;
 * - `quality` `auto` or `standard` (one quality per Imagen model) pass; others are a 400;
 * - anything else (`style`, `background`, `output_format`, `user`…): 400 naming it.
 * The answer: `{created, data: [{b64_json}]}`, one entry per image; images the safety filter held
 * back are left out, and none at all is a 400 `content_policy_violation` with Imagen's reason.
 */
export function geminiImages(provider: string): ForwardTranslation<ImagenRequest, ImagenResponse> {
  return {
    toRequest(request: Readonly<Record<string, unknown>>): ImagenRequest {
      for (const key of Object.keys(request)) if (!handled.has(key)) throw unsupportedParam(key, provider);
      const prompt = request.prompt;
      if (typeof prompt !== 'string' || prompt === '') throw invalidParam('prompt', "'prompt' must be a non-empty string");
      const n = request.n ?? 1;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > maxImages) {
        throw notEquivalent('n', provider, `'n' must be an integer from 1 to ${maxImages} for provider '${provider}' (Imagen's sampleCount)`);
      }
      if (request.response_format !== undefined && request.response_format !== null && request.response_format !== 'b64_json') {
        throw notEquivalent('response_format', provider, `provider '${provider}' answers images as b64_json only (Imagen returns image bytes, not URLs)`);
      }
      const quality = request.quality;
      if (quality !== undefined && quality !== null && quality !== 'auto' && quality !== 'standard') {
        throw notEquivalent('quality', provider, `'quality' '${String(quality)}' has no equivalent on provider '${provider}' (one quality per Imagen model; choose the model)`);
      }
      const aspectRatio = aspectRatioOf(request.size, provider);
      return {
        instances: [{ prompt }],
        parameters: { sampleCount: n, ...(aspectRatio === undefined ? {} : { aspectRatio }) },
      };
    },

    fromResponse(response: ImagenResponse, _target: Deployment): ImagesAnswer {
      const predictions = Array.isArray(response?.predictions) ? response.predictions : [];
      const data = predictions.flatMap((p) => (typeof p?.bytesBase64Encoded === 'string' && p.bytesBase64Encoded !== '' ? [{ b64_json: p.bytesBase64Encoded }] : []));
      if (data.length === 0) {
        const reason = predictions.find((p) => typeof p?.raiFilteredReason === 'string')?.raiFilteredReason;
        // An empty answer is how Imagen says every image was filtered when it gives no reason.
        if (reason !== undefined || predictions.length === 0) {
          throw new GatewayError(400, 'invalid_request_error', `provider '${provider}' generated no image: ${reason ?? 'every image was held back by its safety filter'}`, {
            code: 'content_policy_violation',
            param: 'prompt',
          });
        }
        throw upstreamInvalid(provider, 'answer has predictions without images');
      }
      return { created: Math.floor(Date.now() / 1000), data };
    },
  };
}

function aspectRatioOf(size: unknown, provider: string): ImagenAspectRatio | undefined {
  if (size === undefined || size === null || size === 'auto') return undefined;
  if (size === '1024x1024') return '1:1';
  if (typeof size === 'string' && aspectRatios.includes(size)) return size as ImagenAspectRatio;
  throw notEquivalent(
    'size',
    provider,
    `'size' '${String(size)}' has no exact equivalent on provider '${provider}': use 1024x1024, auto, or one of Imagen's aspect ratios ${aspectRatios.join(', ')}`,
  );
}

/** A parameter whose value the upstream cannot honour as asked: 400 naming it. */
function notEquivalent(param: string, provider: string, message: string): GatewayError {
  return new GatewayError(400, 'invalid_request_error', message, { param, code: 'unsupported_parameter', provider });
}
