import type { ServerResponse } from 'node:http';
import { sendJson } from './server.ts';

/** Imagen models the mock's `:predict` serves (not in its model list, as the real one lists them apart). */
export const mockImagenModels = ['imagen-4.0-generate-001', 'imagen-4.0-fast-generate-001'];

/** A deterministic "PNG" per prompt and index (the bytes only need to round-trip). */
export function mockImagenBase64(prompt: string, index: number): string {
  return Buffer.from(`\x89PNG mock image ${index} of ${prompt}`).toString('base64');
}

type Json = Record<string, unknown>;

const aspectRatios = ['1:1', '3:4', '4:3', '9:16', '16:9'];

/**
 * Imagen's `models/{model}:predict` as the Gemini API serves it: `{instances: [{prompt}],
 * parameters: {sampleCount 1–4 (4 when left out), aspectRatio, personGeneration}}`; unknown
 * fields and bad values are Google's INVALID_ARGUMENT. A prompt with "forbidden" is held back by
 * the safety filter: an empty answer, as the API gives without `includeRaiReason`.
 */
export function imagenPredict(body: Json, res: ServerResponse, fail: (status: string, message: string) => void): void {
  const unknown = Object.keys(body).find((k) => k !== 'instances' && k !== 'parameters');
  if (unknown !== undefined) return fail('INVALID_ARGUMENT', `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`);
  const instances = body.instances;
  if (!Array.isArray(instances) || instances.length !== 1) return fail('INVALID_ARGUMENT', 'Only one instance is supported per request.');
  const instance = instances[0] as Json;
  const prompt = instance.prompt;
  if (Object.keys(instance).some((k) => k !== 'prompt') || typeof prompt !== 'string' || prompt === '') return fail('INVALID_ARGUMENT', 'Instance must have a non-empty prompt.');
  const parameters = (body.parameters ?? {}) as Json;
  const badParam = Object.keys(parameters).find((k) => !['sampleCount', 'aspectRatio', 'personGeneration', 'sampleImageSize'].includes(k));
  if (badParam !== undefined) return fail('INVALID_ARGUMENT', `Invalid JSON payload received. Unknown name "${badParam}" at 'parameters': Cannot find field.`);
  const count = parameters.sampleCount ?? 4;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 4) return fail('INVALID_ARGUMENT', 'sampleCount must be between 1 and 4.');
  if (parameters.aspectRatio !== undefined && !aspectRatios.includes(String(parameters.aspectRatio))) return fail('INVALID_ARGUMENT', 'Unsupported aspect ratio.');
  if (/forbidden/i.test(prompt)) return sendJson(res, 200, {});
  const predictions = Array.from({ length: count }, (_, i) => ({ bytesBase64Encoded: mockImagenBase64(prompt, i), mimeType: 'image/png' }));
  sendJson(res, 200, { predictions });
}
