import type { ForwardOperation } from './operations.ts';

/**
 * What a forwarded call used, in the units its price is given in (`Price.perImage`,
 * `perMillionCharacters`, `perMinute`, `perSearch`, `perRequest`). Read from the client's request
 * and, where the answer says better, from the answer as it passed (`ForwardMeter`). A unit the
 * call cannot be measured in is absent, and then its cost is unknown, never $0.
 */
export interface ForwardUnits {
  /** Images made: the answer's `data` entries, else the request's `n` (default 1). */
  readonly images?: number;
  /** The image size asked for (`1024x1792`), else the one the answer names. */
  readonly size?: string;
  /** The image quality asked for (`hd`), else the one the answer names. */
  readonly quality?: string;
  /** Of the usage's prompt tokens, those that were images (gpt-image-1 edits). */
  readonly imageInputTokens?: number;
  /** Of the usage's prompt tokens, those that were audio (gpt-4o-transcribe). */
  readonly audioInputTokens?: number;
  /** Characters of the text to speak (`input`), as Unicode code points. */
  readonly characters?: number;
  /** Seconds of audio, from the answer: `usage: {type: 'duration', seconds}` or verbose_json's `duration`. */
  readonly seconds?: number;
  /** Rerank searches: the answer's `meta.billed_units.search_units`, else one per 100 documents. */
  readonly searches?: number;
  /** Requests (moderations): always 1. */
  readonly requests?: number;
}

/** Documents in one rerank search (Cohere's billing unit). */
export const documentsPerSearch = 100;

/**
 * The units a forwarded call's JSON request names (a multipart upload's fields are not read: its
 * request is only `{ model }`, and its units come from the answer).
 *
 * @example
 * requestUnits('images', { model: 'dall-e-3', n: 2, size: '1024x1792' }); // { images: 2, size: '1024x1792' }
 * requestUnits('speech', { model: 'tts-1', input: 'Hello' }); // { characters: 5 }
 */
export function requestUnits(operation: ForwardOperation, request: Readonly<Record<string, unknown>>, multipart = false): ForwardUnits {
  switch (operation) {
    case 'images': {
      const n = request.n;
      return {
        ...(multipart ? {} : { images: typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : 1 }),
        ...(typeof request.size === 'string' && request.size !== '' ? { size: request.size } : {}),
        ...(typeof request.quality === 'string' && request.quality !== '' ? { quality: request.quality } : {}),
      };
    }
    case 'speech': {
      const input = request.input;
      return typeof input === 'string' ? { characters: codePoints(input) } : {};
    }
    case 'rerank': {
      const documents = request.documents;
      return Array.isArray(documents) ? { searches: Math.max(1, Math.ceil(documents.length / documentsPerSearch)) } : {};
    }
    case 'moderations':
      return { requests: 1 };
    case 'transcriptions':
      return {};
  }
}

/** Unicode code points (an emoji is one character, not two UTF-16 units). */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
