import type { ServerResponse } from 'node:http';
import { sendJson, type RecordedRequest } from './server.ts';

/**
 * OpenAI's images, audio and moderations routes for the strict mock, shaped after the API
 * reference and the `openai` SDK's types (`resources/images.d.ts`, `resources/audio/*.d.ts`,
 * `resources/moderations.d.ts`). Answers are deterministic, derived from the request.
 */

type Json = Record<string, unknown>;

function invalid(res: ServerResponse, message: string, param: string | null, code: string | null = null): void {
  sendJson(res, 400, { error: { message, type: 'invalid_request_error', param, code } });
}

/** A 1×1 PNG, what the mock "draws". */
export const mockPngBase64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** The audio bytes the mock speaks for `input`: an MP3-like frame header, then the input, repeated to `size`. */
export function mockSpeechBytes(input: string, size = 96 * 1024): Buffer {
  const frame = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.from(input)]);
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += frame.length) frame.copy(out, at);
  return out;
}

/** One part of a multipart/form-data body (the mock's bodies are read as text). */
export interface FormPart {
  readonly name: string;
  readonly filename: string | undefined;
  readonly type: string | undefined;
  readonly value: string;
}

/** Parses a multipart/form-data body strictly: every part needs a `name`; the closing boundary must be there. */
export function parseForm(contentType: string | undefined, body: string): FormPart[] | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const b = boundary?.[1] ?? boundary?.[2];
  if (!/^multipart\/form-data/i.test(contentType ?? '') || b === undefined) return undefined;
  const delimiter = `--${b}`;
  if (!body.startsWith(delimiter) || !body.includes(`\r\n${delimiter}--`)) return undefined;
  const parts: FormPart[] = [];
  for (const raw of body.split(`\r\n${delimiter}`).map((p, i) => (i === 0 ? p.slice(delimiter.length) : p))) {
    if (raw.startsWith('--')) break;
    const at = raw.indexOf('\r\n\r\n');
    if (!raw.startsWith('\r\n') || at === -1) return undefined;
    const headers = raw.slice(2, at);
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) return undefined;
    parts.push({
      name,
      filename: /filename="([^"]*)"/i.exec(headers)?.[1],
      type: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1],
      value: raw.slice(at + 4),
    });
  }
  return parts;
}

const speechFormats: Readonly<Record<string, string>> = { mp3: 'audio/mpeg', opus: 'audio/opus', aac: 'audio/aac', flac: 'audio/flac', wav: 'audio/wav', pcm: 'audio/pcm' };
const voices = new Set(['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'onyx', 'nova', 'sage', 'shimmer', 'verse', 'marin', 'cedar']);
const moderationCategories = [
  'harassment',
  'harassment/threatening',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/instructions',
  'self-harm/intent',
  'sexual',
  'sexual/minors',
  'violence',
  'violence/graphic',
];

function imagesGenerations(body: Json, res: ServerResponse): void {
  if (typeof body.prompt !== 'string' || body.prompt === '') return invalid(res, "Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
  const n = (body.n as number | undefined) ?? 1;
  if (typeof n !== 'number' || n < 1 || n > 10) return invalid(res, "Invalid 'n': must be between 1 and 10.", 'n', 'invalid_value');
  const format = body.response_format ?? 'url';
  if (format !== 'url' && format !== 'b64_json') return invalid(res, `Invalid value: '${String(format)}'. Supported values are: 'url' and 'b64_json'.`, 'response_format', 'invalid_value');
  const data = Array.from({ length: n }, (_, i) =>
    format === 'b64_json' ? { b64_json: mockPngBase64, revised_prompt: body.prompt } : { url: `https://images.example/mock-${i}.png`, revised_prompt: body.prompt },
  );
  sendJson(res, 200, { created: 1_700_000_000, data });
}

/** Audio bytes in chunks, as the real API streams them (chunked, no content-length). */
async function speech(body: Json, res: ServerResponse, gapMs: number): Promise<void> {
  if (typeof body.input !== 'string' || body.input === '') return invalid(res, "Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  if (typeof body.voice !== 'string' || !voices.has(body.voice)) return invalid(res, "Invalid value for 'voice'.", 'voice', 'invalid_value');
  const format = (body.response_format as string | undefined) ?? 'mp3';
  const type = speechFormats[format];
  if (type === undefined) return invalid(res, "Invalid value for 'response_format'.", 'response_format', 'invalid_value');
  const bytes = mockSpeechBytes(body.input);
  res.writeHead(200, { 'content-type': type, 'transfer-encoding': 'chunked' });
  for (let at = 0; at < bytes.length; at += 16 * 1024) {
    res.write(bytes.subarray(at, at + 16 * 1024));
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  res.end();
}

function moderations(body: Json, res: ServerResponse): void {
  const input = body.input;
  const inputs = typeof input === 'string' ? [input] : Array.isArray(input) ? input : undefined;
  if (inputs === undefined || inputs.length === 0) return invalid(res, "Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  const results = inputs.map((item) => {
    const text = typeof item === 'string' ? item : typeof (item as Json).text === 'string' ? String((item as Json).text) : '';
    const flagged = /\bkill\b/i.test(text);
    const categories = Object.fromEntries(moderationCategories.map((c) => [c, flagged && c === 'violence']));
    const scores = Object.fromEntries(moderationCategories.map((c) => [c, flagged && c === 'violence' ? 0.9 : 0.001]));
    const applied = Object.fromEntries(moderationCategories.map((c) => [c, ['text']]));
    return { flagged, categories, category_scores: scores, category_applied_input_types: applied };
  });
  sendJson(res, 200, { id: 'modr-mock', model: body.model ?? 'omni-moderation-latest', results });
}

/** `file` + `model` as OpenAI requires; the "transcript" is the file's text (translations: prefixed). */
function audioText(req: RecordedRequest, res: ServerResponse, translate: boolean): void {
  const parts = parseForm(req.headers['content-type'] as string | undefined, req.body);
  if (parts === undefined) return invalid(res, 'Could not parse multipart form', null);
  const field = (name: string): FormPart | undefined => parts.find((p) => p.name === name);
  const file = field('file');
  if (file === undefined || file.filename === undefined) return invalid(res, "Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
  if (field('model') === undefined) return invalid(res, "Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  const text = `${translate ? 'translated: ' : ''}${file.value}`;
  const format = field('response_format')?.value ?? 'json';
  if (format === 'text') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    return void res.end(text);
  }
  sendJson(res, 200, { text, usage: { type: 'duration', seconds: 3 } });
}

function imagesEdits(req: RecordedRequest, res: ServerResponse): void {
  const parts = parseForm(req.headers['content-type'] as string | undefined, req.body);
  if (parts === undefined) return invalid(res, 'Could not parse multipart form', null);
  if (!parts.some((p) => (p.name === 'image' || p.name === 'image[]') && p.filename !== undefined)) {
    return invalid(res, "Missing required parameter: 'image'.", 'image', 'missing_required_parameter');
  }
  const prompt = parts.find((p) => p.name === 'prompt')?.value;
  if (prompt === undefined) return invalid(res, "Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
  sendJson(res, 200, { created: 1_700_000_000, data: [{ b64_json: mockPngBase64, revised_prompt: prompt }] });
}

/** The model a multipart request names, for the mock's model check. */
export function formModel(req: RecordedRequest): string | undefined {
  return parseForm(req.headers['content-type'] as string | undefined, req.body)?.find((p) => p.name === 'model')?.value;
}

/** Answers a media route; false when `path` is not one. */
export function mediaRoute(path: string, req: RecordedRequest, res: ServerResponse, gapMs: number): boolean | Promise<void> {
  const body = (req.json ?? {}) as Json;
  switch (path) {
    case '/images/generations':
      return imagesGenerations(body, res), true;
    case '/images/edits':
      return imagesEdits(req, res), true;
    case '/audio/speech':
      return speech(body, res, gapMs);
    case '/audio/transcriptions':
      return audioText(req, res, false), true;
    case '/audio/translations':
      return audioText(req, res, true), true;
    case '/moderations':
      return moderations(body, res), true;
    default:
      return false;
  }
}

/** Paths whose body is multipart/form-data. */
export const multipartPaths: ReadonlySet<string> = new Set(['/images/edits', '/audio/transcriptions', '/audio/translations']);
