import type { ServerResponse } from 'node:http';
import { checkGenerate } from './gemini-checks.ts';
import { geminiCountTokens } from './gemini-count.ts';
import { imagenPredict, mockImagenModels } from './gemini-predict.ts';
import { mockVector } from './openai.ts';
import { sendJson, startMockServer, type MockServer, type RecordedRequest } from './server.ts';

/**
 * A strict mock of the Gemini API (AI Studio, v1beta): generateContent, streamGenerateContent
 * (`alt=sse`), embedContent, batchEmbedContents, countTokens (see gemini-count.ts), Imagen's
 * predict (see gemini-predict.ts) and models.list. It rejects what the real API
 * rejects (missing or bad `x-goog-api-key`, unknown fields, roles other than user/model, empty
 * contents or parts, function responses without the call turn, schema keys outside Gemini's
 * OpenAPI subset) with Google's error envelope, and answers with the documented shapes.
 *
 * Answers are deterministic: text is `echo: <last user text>` (plus `[mime]` per image); a
 * function is called when the mode is ANY or the user says "weather" ("parallel" makes two
 * calls); "blocked" blocks the prompt, "unsafe" ends the candidate with SAFETY.
 */
export interface MockGeminiOptions {
  readonly apiKey?: string;
  readonly models?: readonly string[];
  /** Characters per streamed text event. */
  readonly chunkSize?: number;
}

export const mockGeminiKey = 'AIzaSyMockGeminiKey-0123456789abcdef';
export const defaultGeminiModels = ['gemini-2.0-flash', 'gemini-2.5-pro', 'text-embedding-004', 'gemini-embedding-001'];

type Json = Record<string, unknown>;

/** Google's error envelope. */
export function googleError(res: ServerResponse, code: number, status: string, message: string, details?: Json[], headers: Record<string, string> = {}): void {
  sendJson(res, code, { error: { code, message, status, ...(details ? { details } : {}) } }, headers);
}

const tokens = (s: string): number => Math.ceil(s.length / 4);

interface Answer {
  parts: Json[];
  finishReason: string;
}

function textOf(content: Json | undefined): string {
  return ((content?.parts as Json[] | undefined) ?? []).map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
}

function answer(body: Json, index: number): Answer {
  const contents = body.contents as Json[];
  const last = contents[contents.length - 1] as Json;
  const lastParts = last.parts as Json[];
  const lastUser = [...contents].reverse().find((c) => c.role === 'user' && (c.parts as Json[]).some((p) => p.functionResponse === undefined));
  const userText = textOf(lastUser);
  const config = (body.generationConfig as Json | undefined) ?? {};
  const thought = (config.thinkingConfig as Json | undefined)?.includeThoughts === true ? [{ text: 'thinking about it', thought: true }] : [];
  if (/unsafe/i.test(userText)) return { parts: [], finishReason: 'SAFETY' };

  const declarations = ((body.tools as Json[] | undefined) ?? []).flatMap((t) => (t.functionDeclarations as Json[] | undefined) ?? []);
  const calling = (body.toolConfig as Json | undefined)?.functionCallingConfig as Json | undefined;
  const mode = String(calling?.mode ?? 'AUTO');
  const answersTool = lastParts.some((p) => p.functionResponse !== undefined);
  if (declarations.length > 0 && mode !== 'NONE' && !answersTool && (mode === 'ANY' || /weather/i.test(userText))) {
    const allowed = calling?.allowedFunctionNames as string[] | undefined;
    const decl = (declarations.find((d) => d.name === allowed?.[0]) ?? declarations[0]) as Json;
    const call = (city: string): Json => ({ functionCall: { name: decl.name, ...(decl.parameters ? { args: { city } } : {}) } });
    const calls = /parallel/i.test(userText) ? [call('Paris'), call('Tokyo')] : [call('Paris')];
    return { parts: [...thought, ...calls], finishReason: 'STOP' };
  }

  let text = answersTool
    ? `tool result: ${lastParts.map((p) => JSON.stringify((p.functionResponse as Json | undefined)?.response)).join(',')}`
    : `echo: ${userText}${(lastUser?.parts as Json[] | undefined ?? []).flatMap((p) => { const blob = (p.inlineData ?? p.fileData) as Json | undefined; return blob ? [` [${String(blob.mimeType)}]`] : []; }).join('')}`;
  if (config.responseMimeType === 'application/json') text = JSON.stringify({ echo: text });
  if (index > 0) text = `${text} (${index})`;
  const max = config.maxOutputTokens as number | undefined;
  if (typeof max === 'number' && max < tokens(text)) return { parts: [...thought, { text: text.slice(0, max * 4) }], finishReason: 'MAX_TOKENS' };
  return { parts: [...thought, { text }], finishReason: 'STOP' };
}

function usage(body: Json, answers: readonly Answer[]): Json {
  const prompt = tokens(JSON.stringify(body.contents));
  let candidates = 0;
  let thoughts = 0;
  for (const a of answers) {
    for (const p of a.parts) {
      const n = p.functionCall ? 8 : tokens(String(p.text ?? ''));
      if (p.thought === true) thoughts += n;
      else candidates += n;
    }
  }
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates + thoughts,
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
  };
}

/** `index` is proto3 output: the first candidate's 0 is omitted, as the real API does. */
const withIndex = (candidate: Json, index: number): Json => (index === 0 ? candidate : { ...candidate, index });

function generate(body: Json, model: string): Json {
  const base = { modelVersion: model, responseId: 'mock-response-id' };
  if (/blocked/i.test(textOf((body.contents as Json[])[(body.contents as Json[]).length - 1]))) {
    return { promptFeedback: { blockReason: 'SAFETY', safetyRatings: [] }, usageMetadata: usage(body, []), ...base };
  }
  const n = ((body.generationConfig as Json | undefined)?.candidateCount as number | undefined) ?? 1;
  const answers = Array.from({ length: n }, (_, i) => answer(body, i));
  return {
    candidates: answers.map((a, i) =>
      withIndex({ ...(a.parts.length > 0 ? { content: { role: 'model', parts: a.parts } } : {}), finishReason: a.finishReason, safetyRatings: [] }, i),
    ),
    usageMetadata: usage(body, answers),
    ...base,
  };
}

/** The documented SSE shape: each `data:` a partial GenerateContentResponse, finishReason and full usage at the end. */
async function streamGenerate(body: Json, model: string, res: ServerResponse, chunkSize: number): Promise<void> {
  const full = generate(body, model);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'content-disposition': 'attachment' });
  const base = { modelVersion: model, responseId: 'mock-response-id' };
  const partial = { promptTokenCount: (full.usageMetadata as Json).promptTokenCount };
  const events: Json[] = [];
  if (full.candidates === undefined) events.push(full);
  // Candidates interleave: event k carries piece k of every candidate that still has one.
  const pieces = ((full.candidates as Json[] | undefined) ?? []).map((c, i) => {
    const out: Json[] = [];
    for (const part of ((c.content as Json | undefined)?.parts as Json[] | undefined) ?? []) {
      if (typeof part.text !== 'string' || part.thought === true) {
        out.push(withIndex({ content: { role: 'model', parts: [part] } }, i));
        continue;
      }
      const chars = Array.from(part.text);
      for (let k = 0; k < chars.length; k += chunkSize) out.push(withIndex({ content: { role: 'model', parts: [{ text: chars.slice(k, k + chunkSize).join('') }] } }, i));
    }
    const lastPiece = out.pop() ?? withIndex({}, i);
    out.push({ ...lastPiece, finishReason: c.finishReason });
    return out;
  });
  const longest = Math.max(0, ...pieces.map((p) => p.length));
  for (let k = 0; k < longest; k++) {
    const last = k === longest - 1;
    events.push({ candidates: pieces.flatMap((p) => (p[k] ? [p[k]] : [])), usageMetadata: last ? full.usageMetadata : partial, ...base });
  }
  for (const event of events) {
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify(event)}\r\n\r\n`);
  }
  res.end();
}

function embed(req: Json, at: string): Json | string {
  const text = textOf(req.content as Json | undefined);
  if (req.content === undefined || text === '') return `* ${at}.content: must have at least one text part`;
  const dims = req.outputDimensionality as number | undefined;
  return { values: mockVector(text, dims ?? 8) };
}

export async function startMockGemini(options: MockGeminiOptions = {}): Promise<MockServer> {
  const apiKey = options.apiKey ?? mockGeminiKey;
  const models = new Set(options.models ?? defaultGeminiModels);
  const chunkSize = options.chunkSize ?? 4;

  return startMockServer(async (req: RecordedRequest, res) => {
    const key = req.headers['x-goog-api-key'];
    if (key === undefined) {
      return googleError(res, 403, 'PERMISSION_DENIED', 'Method doesn\'t allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.');
    }
    if (key !== apiKey) {
      return googleError(res, 400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
      ]);
    }
    const url = new URL(req.url, 'http://mock');
    if (req.method === 'GET' && url.pathname === '/v1beta/models') {
      return sendJson(res, 200, { models: [...models].map((m) => ({ name: `models/${m}`, displayName: m, supportedGenerationMethods: ['generateContent'] })) });
    }
    const route = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents|countTokens|predict)$/.exec(url.pathname);
    if (req.method !== 'POST' || route === null) return googleError(res, 404, 'NOT_FOUND', `The requested URL ${url.pathname} was not found on this server.`);
    const [, model, method] = route as unknown as [string, string, string];
    // Imagen models answer only :predict, and only they answer it.
    if (method === 'predict' ? !mockImagenModels.includes(model) : !models.has(model)) {
      return googleError(res, 404, 'NOT_FOUND', `models/${model} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`);
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json') || typeof req.json !== 'object' || req.json === null) {
      return googleError(res, 400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    const body = req.json as Json;
    if (method === 'predict') return imagenPredict(body, res, (status, message) => googleError(res, 400, status, message));
    if (method === 'countTokens') return geminiCountTokens(body, model, res);
    if (method === 'embedContent' || method === 'batchEmbedContents') {
      const batch = method === 'batchEmbedContents';
      const requests = batch ? body.requests : [body];
      if (!Array.isArray(requests) || requests.length === 0) return googleError(res, 400, 'INVALID_ARGUMENT', '* BatchEmbedContentsRequest.requests: requests is not specified');
      if (requests.length > 100) return googleError(res, 400, 'INVALID_ARGUMENT', '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch');
      const vectors: Json[] = [];
      for (const [i, r] of (requests as Json[]).entries()) {
        const bad = Object.keys(r).find((k) => !['model', 'content', 'taskType', 'title', 'outputDimensionality'].includes(k));
        if (bad) return googleError(res, 400, 'INVALID_ARGUMENT', `Invalid JSON payload received. Unknown name "${bad}": Cannot find field.`);
        if (batch && r.model !== `models/${model}`) {
          return googleError(res, 400, 'INVALID_ARGUMENT', `* BatchEmbedContentsRequest.requests[${i}].model: Model names in the requests must match the model in the URL (models/${model}).`);
        }
        const v = embed(r, batch ? `BatchEmbedContentsRequest.requests[${i}]` : 'EmbedContentRequest');
        if (typeof v === 'string') return googleError(res, 400, 'INVALID_ARGUMENT', v);
        vectors.push(v);
      }
      return sendJson(res, 200, batch ? { embeddings: vectors } : { embedding: vectors[0] });
    }
    const problem = checkGenerate(body);
    if (problem !== undefined) return googleError(res, 400, 'INVALID_ARGUMENT', problem);
    if (method === 'streamGenerateContent') {
      if (url.searchParams.get('alt') !== 'sse') return googleError(res, 400, 'INVALID_ARGUMENT', 'this mock streams only with alt=sse');
      return streamGenerate(body, model, res, chunkSize);
    }
    return sendJson(res, 200, generate(body, model));
  });
}
