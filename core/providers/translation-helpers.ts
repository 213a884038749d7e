import { invalidParam } from '../errors.ts';
import type { CreateEmbeddingResponse, EmbeddingRequest } from '../openai/types.ts';

/**
 * Tool-call arguments as the object most providers want: OpenAI sends a JSON string, where an
 * empty string means "no arguments". Anything but a JSON object is the client's error (400).
 */
export function toolArgumentsObject(args: string, param: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw invalidParam(param, 'tool call arguments are not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidParam(param, 'tool call arguments must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** OpenAI's base64 embedding: the float32 array's little-endian bytes. */
export function floatsToBase64(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i] as number, i * 4);
  return bytes.toString('base64');
}

/**
 * Translated providers return floats; a client that asked for `encoding_format: 'base64'` (the
 * `openai` SDK does by default) gets them encoded as OpenAI would. The SDK types the field as
 * number[] only; on the wire it is a string.
 */
export function encodeEmbeddings(response: CreateEmbeddingResponse, format: EmbeddingRequest['encoding_format']): CreateEmbeddingResponse {
  if (format !== 'base64') return response;
  return {
    ...response,
    data: response.data.map((d) =>
      Array.isArray(d.embedding) ? { ...d, embedding: floatsToBase64(d.embedding) as unknown as number[] } : d,
    ),
  };
}
