import type { ServerResponse } from 'node:http';
import { checkGenerate } from './gemini-checks.ts';
import { googleError } from './gemini.ts';
import { sendJson } from './server.ts';

type Json = Record<string, unknown>;

/**
 * The mock's count: deterministic and unlike the gateway's estimate (characters / 3 plus a fixed
 * framing), so a test can tell a count relayed from Gemini from a local estimate.
 */
export function mockGeminiCount(request: Json): number {
  const chars = JSON.stringify(request.contents ?? []).length + JSON.stringify(request.systemInstruction ?? {}).length + JSON.stringify(request.tools ?? []).length;
  return Math.ceil(chars / 3) + 5;
}

/**
 * `models/{model}:countTokens` as Gemini serves it: either `contents` alone (system instructions
 * and tools are not fields of the request itself) or a whole `generateContentRequest`, whose
 * `model` must be the model of the URL; not both. Answers `{totalTokens}`.
 */
export function geminiCountTokens(body: Json, model: string, res: ServerResponse): void {
  const bad = Object.keys(body).find((k) => k !== 'contents' && k !== 'generateContentRequest');
  if (bad) return googleError(res, 400, 'INVALID_ARGUMENT', `Invalid JSON payload received. Unknown name "${bad}": Cannot find field.`);
  if (body.contents !== undefined && body.generateContentRequest !== undefined) {
    return googleError(res, 400, 'INVALID_ARGUMENT', 'contents and generateContentRequest cannot both be set.');
  }
  let request: Json;
  if (body.generateContentRequest !== undefined) {
    const { model: named, ...rest } = body.generateContentRequest as Json;
    if (named !== `models/${model}`) {
      return googleError(res, 400, 'INVALID_ARGUMENT', `* GenerateContentRequest.model: unexpected model name format (expected models/${model})`);
    }
    request = rest;
  } else {
    request = { contents: body.contents };
  }
  const problem = checkGenerate(request);
  if (problem !== undefined) return googleError(res, 400, 'INVALID_ARGUMENT', problem);
  sendJson(res, 200, { totalTokens: mockGeminiCount(request), promptTokensDetails: [{ modality: 'TEXT', tokenCount: mockGeminiCount(request) }] });
}
