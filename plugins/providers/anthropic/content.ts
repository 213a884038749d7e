import type {
  Base64ImageSource,
  CacheControlEphemeral,
  ContentBlockParam,
  DocumentBlockParam,
  ImageBlockParam,
  TextBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import { invalidParam, type ChatCompletionContentPart } from 'switchyard';

type ImageMediaType = Base64ImageSource['media_type'];
const imageTypes: Readonly<Record<string, ImageMediaType>> = Object.freeze({
  'image/jpeg': 'image/jpeg',
  // A common mislabel of JPEG; the bytes are the same format.
  'image/jpg': 'image/jpeg',
  'image/png': 'image/png',
  'image/gif': 'image/gif',
  'image/webp': 'image/webp',
});

/**
 * `cache_control` as clients send it on OpenAI-shaped parts and messages (LiteLLM's convention):
 * passed through when it is Anthropic's shape, a 400 otherwise.
 */
export function cacheControlOf(holder: object, param: string): CacheControlEphemeral | undefined {
  const raw = (holder as { cache_control?: unknown }).cache_control;
  if (raw === undefined || raw === null) return undefined;
  const cc = raw as { type?: unknown; ttl?: unknown };
  if (typeof raw !== 'object' || cc.type !== 'ephemeral' || (cc.ttl !== undefined && cc.ttl !== '5m' && cc.ttl !== '1h')) {
    throw invalidParam(`${param}.cache_control`, "cache_control must be {type: 'ephemeral', ttl?: '5m' | '1h'}");
  }
  return cc.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: cc.ttl as '5m' | '1h' };
}

/** A text block, or nothing for empty text (Anthropic rejects empty text blocks). */
export function textBlock(text: string, cache: CacheControlEphemeral | undefined): TextBlockParam | undefined {
  if (text === '') return undefined;
  return cache === undefined ? { type: 'text', text } : { type: 'text', text, cache_control: cache };
}

interface DataUrl {
  readonly mediaType: string;
  readonly base64: boolean;
  readonly data: string;
}

function parseDataUrl(url: string): DataUrl | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const header = url.slice(5, comma).split(';');
  return { mediaType: (header[0] ?? '').toLowerCase(), base64: header.includes('base64'), data: url.slice(comma + 1) };
}

/** `image_url` → an image block: data URLs become a base64 source, http(s) URLs a url source. */
export function imageBlock(url: string, param: string, cache: CacheControlEphemeral | undefined): ImageBlockParam {
  const withCache = (block: ImageBlockParam): ImageBlockParam => (cache === undefined ? block : { ...block, cache_control: cache });
  if (/^https?:\/\//i.test(url)) return withCache({ type: 'image', source: { type: 'url', url } });
  const parsed = parseDataUrl(url);
  if (parsed === undefined) throw invalidParam(param, 'image_url must be an http(s) URL or a base64 data: URL');
  const mediaType = imageTypes[parsed.mediaType];
  if (mediaType === undefined) {
    throw invalidParam(param, `image type '${parsed.mediaType}' is not supported; use jpeg, png, gif or webp`);
  }
  if (!parsed.base64) throw invalidParam(param, 'image data: URLs must be base64-encoded');
  return withCache({ type: 'image', source: { type: 'base64', media_type: mediaType, data: parsed.data } });
}

/** An OpenAI `file` part with inline data → a document block (PDF or plain text). */
function documentBlock(file: ChatCompletionContentPart.File['file'], param: string): DocumentBlockParam {
  const parsed = file.file_data === undefined ? undefined : parseDataUrl(file.file_data);
  if (parsed === undefined || !parsed.base64) {
    throw invalidParam(param, 'file parts need file_data as a base64 data: URL (file_id is not supported by this provider)');
  }
  const title = file.filename === undefined ? {} : { title: file.filename };
  if (parsed.mediaType === 'application/pdf') {
    return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: parsed.data }, ...title };
  }
  if (parsed.mediaType === 'text/plain') {
    const text = Buffer.from(parsed.data, 'base64').toString('utf8');
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...title };
  }
  throw invalidParam(param, `file type '${parsed.mediaType}' is not supported; use application/pdf or text/plain`);
}

/** One user content part → a block (or nothing, for empty text). */
export function userPartBlock(part: ChatCompletionContentPart, param: string): ContentBlockParam | undefined {
  const cache = cacheControlOf(part, param);
  switch (part.type) {
    case 'text':
      return textBlock(part.text, cache);
    case 'image_url':
      return imageBlock(part.image_url.url, `${param}.image_url.url`, cache);
    case 'file': {
      const block = documentBlock(part.file, `${param}.file`);
      return cache === undefined ? block : { ...block, cache_control: cache };
    }
    case 'input_audio':
      throw invalidParam(param, 'audio input is not supported by Anthropic');
    default:
      throw invalidParam(`${param}.type`, `unknown content part type '${(part as { type: string }).type}'`);
  }
}
