import { GatewayError, invalidParam, unsupportedParam, upstreamInvalid, type Deployment, type ForwardTranslation } from 'switchyard';
import { baseModelId } from './model-id.ts';

/** InvokeModel's text-to-image body, shared by Amazon Nova Canvas and Titan Image Generator. */
export interface TextImageRequest {
  readonly taskType: 'TEXT_IMAGE';
  readonly textToImageParams: { readonly text: string };
  readonly imageGenerationConfig: {
    readonly numberOfImages: number;
    readonly width: number;
    readonly height: number;
    readonly quality?: 'standard' | 'premium';
  };
}

/** Their answer: base64 images, and an `error` string when something went wrong. */
export interface TextImageResponse {
  readonly images?: readonly string[];
  readonly error?: string | null;
}

export interface ImagesAnswer {
  readonly created: number;
  readonly data: readonly { readonly b64_json: string }[];
}

/** Model ids (without region prefix) that take the TEXT_IMAGE body. */
const textImageModels = /^amazon\.(nova-canvas|titan-image-generator)-/;

/** Both models make 1 to 5 images a call. */
const maxImages = 5;

const handled = new Set(['model', 'prompt', 'n', 'size', 'response_format', 'quality']);

/** OpenAI's qualities with an exact counterpart: dall-e-3's `hd` is the models' `premium`. */
const qualities: Readonly<Record<string, 'standard' | 'premium' | undefined>> = { auto: undefined, standard: 'standard', hd: 'premium' };

/**
 * `images.generate` on Amazon Nova Canvas or Titan Image Generator through InvokeModel, for
 * `provider` (its id, named in 400s):
 * - `prompt` → `textToImageParams.text`; `n` (1–5, default 1) → `numberOfImages`;
 * - `size` `WxH` → `width` and `height` as they are (the model checks its own rules: Nova takes
 *   320–4096 px sides divisible by 16, Titan a fixed list); none or `auto` → 1024x1024, OpenAI's
 *   default, so the price and the image agree;
 * - `quality` `standard` / `hd` → `standard` / `premium`; `auto` or none → the model's default;
 * - `response_format` `b64_json` only (`url`: 400, the models answer bytes);
 * - other fields, and a model that is not Nova Canvas or Titan Image: 400 naming them.
 */
export function bedrockImages(provider: string): ForwardTranslation<TextImageRequest, TextImageResponse> {
  return {
    toRequest(request: Readonly<Record<string, unknown>>, target: Deployment): TextImageRequest {
      if (!textImageModels.test(baseModelId(target.model))) {
        throw notEquivalent('model', provider, `model '${target.model}' on provider '${provider}' does not generate images through this route (Amazon Nova Canvas and Titan Image Generator do)`);
      }
      for (const key of Object.keys(request)) if (!handled.has(key)) throw unsupportedParam(key, provider);
      const prompt = request.prompt;
      if (typeof prompt !== 'string' || prompt === '') throw invalidParam('prompt', "'prompt' must be a non-empty string");
      const n = request.n ?? 1;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > maxImages) {
        throw notEquivalent('n', provider, `'n' must be an integer from 1 to ${maxImages} for provider '${provider}' (numberOfImages)`);
      }
      if (request.response_format !== undefined && request.response_format !== null && request.response_format !== 'b64_json') {
        throw notEquivalent('response_format', provider, `provider '${provider}' answers images as b64_json only (the model returns image bytes, not URLs)`);
      }
      const rawQuality = request.quality ?? 'auto';
      if (typeof rawQuality !== 'string' || !Object.hasOwn(qualities, rawQuality)) {
        throw notEquivalent('quality', provider, `'quality' '${String(rawQuality)}' has no equivalent on provider '${provider}': use standard, hd (premium) or auto`);
      }
      const quality = qualities[rawQuality];
      const { width, height } = dimensionsOf(request.size, provider);
      return {
        taskType: 'TEXT_IMAGE',
        textToImageParams: { text: prompt },
        imageGenerationConfig: { numberOfImages: n, width, height, ...(quality === undefined ? {} : { quality }) },
      };
    },

    fromResponse(response: TextImageResponse): ImagesAnswer {
      const images = Array.isArray(response?.images) ? response.images.filter((i): i is string => typeof i === 'string' && i !== '') : [];
      if (images.length === 0) {
        const why = typeof response?.error === 'string' && response.error !== '' ? response.error : 'no images';
        throw upstreamInvalid(provider, `answer has no images (${why})`);
      }
      return { created: Math.floor(Date.now() / 1000), data: images.map((b64_json) => ({ b64_json })) };
    },
  };
}

function dimensionsOf(size: unknown, provider: string): { width: number; height: number } {
  if (size === undefined || size === null || size === 'auto') return { width: 1024, height: 1024 };
  const m = typeof size === 'string' ? /^([1-9]\d{1,4})x([1-9]\d{1,4})$/.exec(size) : null;
  if (m === null) throw notEquivalent('size', provider, `'size' must be WIDTHxHEIGHT in pixels (or auto) for provider '${provider}'`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

function notEquivalent(param: string, provider: string, message: string): GatewayError {
  return new GatewayError(400, 'invalid_request_error', message, { param, code: 'unsupported_parameter', provider });
}
