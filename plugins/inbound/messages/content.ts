import { cutEcho, GatewayError, type ChatCompletionContentPart } from 'switchyard';
import { arrayAt, objectAt, stringAt, type JsonObject } from './fields.ts';

/**
 * Content blocks a user turn (or a tool result) may carry, as chat content parts: text, images
 * and documents. Blocks that need Anthropic's own storage (`file` sources) or that a chat model
 * cannot receive are refused with a 400 naming the block, never dropped in silence.
 */

/** A 400 for input that is valid Anthropic but has no chat equivalent. */
export function notTranslatable(param: string, why: string): GatewayError {
  return new GatewayError(400, 'invalid_request_error', `'${param}': ${why}`, { param, code: 'unsupported_parameter' });
}

export function blockType(block: JsonObject, param: string): string {
  return stringAt(block.type, `${param}.type`);
}

export function textOf(block: JsonObject, param: string): string {
  return stringAt(block.text, `${param}.text`);
}

/** An image block → `image_url` (base64 becomes a data URL). */
export function imagePart(block: JsonObject, param: string): ChatCompletionContentPart {
  const source = objectAt(block.source, `${param}.source`);
  const kind = stringAt(source.type, `${param}.source.type`);
  if (kind === 'base64') {
    const mediaType = stringAt(source.media_type, `${param}.source.media_type`);
    const data = stringAt(source.data, `${param}.source.data`);
    return { type: 'image_url', image_url: { url: `data:${mediaType};base64,${data}` } };
  }
  if (kind === 'url') return { type: 'image_url', image_url: { url: stringAt(source.url, `${param}.source.url`) } };
  throw notTranslatable(`${param}.source.type`, `image source '${cutEcho(kind)}' is only available on Anthropic deployments`);
}

/**
 * A document block → parts: plain text and content sources become text (and image) parts, a
 * base64 PDF becomes a `file` part with a data URL. URL and file-id sources would need the
 * gateway to fetch or Anthropic to resolve them: refused.
 */
export function documentParts(block: JsonObject, param: string): ChatCompletionContentPart[] {
  const source = objectAt(block.source, `${param}.source`);
  const kind = stringAt(source.type, `${param}.source.type`);
  switch (kind) {
    case 'text':
      return [{ type: 'text', text: stringAt(source.data, `${param}.source.data`) }];
    case 'base64': {
      const mediaType = stringAt(source.media_type, `${param}.source.media_type`);
      const data = stringAt(source.data, `${param}.source.data`);
      const title = typeof block.title === 'string' && block.title !== '' ? block.title : 'document.pdf';
      return [{ type: 'file', file: { filename: title, file_data: `data:${mediaType};base64,${data}` } }];
    }
    case 'content': {
      if (typeof source.content === 'string') return [{ type: 'text', text: source.content }];
      const blocks = arrayAt(source.content, `${param}.source.content`);
      return blocks.flatMap((b, i) => mediaParts(objectAt(b, `${param}.source.content[${i}]`), `${param}.source.content[${i}]`));
    }
    default:
      throw notTranslatable(`${param}.source.type`, `document source '${cutEcho(kind)}' is only available on Anthropic deployments`);
  }
}

/** A text, image or document block → chat parts; anything else is not content a chat model takes. */
export function mediaParts(block: JsonObject, param: string): ChatCompletionContentPart[] {
  const type = blockType(block, param);
  switch (type) {
    case 'text':
      return [{ type: 'text', text: textOf(block, param) }];
    case 'image':
      return [imagePart(block, param)];
    case 'document':
      return documentParts(block, param);
    default:
      throw notTranslatable(`${param}.type`, `content block '${cutEcho(type)}' is not supported here`);
  }
}
