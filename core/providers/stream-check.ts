import type { IncomingHttpHeaders } from 'node:http';

/** The media type every SSE provider streams with; Bedrock declares its own (`streamContentType`). */
export const eventStreamType = 'text/event-stream';

/**
 * Whether a 200 answer to a stream request is really a stream. A proxy's HTML page or an error
 * JSON sent with 200 would otherwise parse as an SSE body with no events, and the client would
 * get an empty "successful" completion. A missing content-type is let through: some
 * OpenAI-compatible servers omit it, and the stream readers still fail a body with no proper end.
 */
export function isStreamAnswer(headers: IncomingHttpHeaders, expected: string): boolean {
  const type = headers['content-type'];
  if (type === undefined || type === '') return true;
  const semi = type.indexOf(';');
  const media = (semi === -1 ? type : type.slice(0, semi)).trim().toLowerCase();
  return media === expected;
}

/**
 * The HTTP status an error body names for itself, when a provider sends its error envelope with
 * a 200 on a stream (Google's `{"error":{"code":429,…}}`, a proxy's `{"status":503}`); otherwise
 * 502, an upstream failure that retries and fallbacks act on.
 */
export function statusOfErrorBody(body: unknown): number {
  const envelope = Array.isArray(body) ? (body[0] as unknown) : body;
  if (typeof envelope !== 'object' || envelope === null) return 502;
  const error = (envelope as { error?: unknown }).error;
  const candidates = [
    typeof error === 'object' && error !== null ? (error as { code?: unknown; status?: unknown }).code : undefined,
    typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined,
    (envelope as { status?: unknown }).status,
    (envelope as { statusCode?: unknown }).statusCode,
  ];
  for (const c of candidates) {
    if (typeof c === 'number' && Number.isInteger(c) && c >= 400 && c <= 599) return c;
  }
  return 502;
}

/** Whether a parsed body reads as an error envelope (any provider's), not some other JSON. */
export function looksLikeError(body: unknown): boolean {
  const envelope = Array.isArray(body) ? (body[0] as unknown) : body;
  if (typeof envelope !== 'object' || envelope === null) return false;
  const e = envelope as { error?: unknown; message?: unknown; type?: unknown; detail?: unknown };
  return e.error !== undefined || e.type === 'error' || typeof e.message === 'string' || typeof e.detail === 'string';
}
