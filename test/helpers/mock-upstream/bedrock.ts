import type { ServerResponse } from 'node:http';
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { answerConverse, validateConverse, ValidationError, type Answer } from './bedrock-converse.ts';
import { InvokeRejected, invokeRerank, invokeTextImage } from './bedrock-invoke-media.ts';
import { verifySigV4, type MockAwsCredentials } from './bedrock-sigv4.ts';
import { startMockServer, type Handler, type MockServer, type RecordedRequest } from './server.ts';

/**
 * A strict mock of Bedrock Runtime: Converse, ConverseStream (real binary event-stream frames)
 * and InvokeModel for Titan and Cohere embeddings, Nova Canvas and Titan images, and Cohere
 * Rerank (see bedrock-invoke-media.ts). Every request must carry a valid SigV4
 * signature made with the known test secret (recomputed here and compared), else 403 with AWS's
 * error type; bodies are validated with Bedrock's rules and wording (400 ValidationException).
 * Errors are `{"message"}` with an `x-amzn-errortype` header, as Bedrock sends them.
 */
export const mockAwsCredentials: MockAwsCredentials = Object.freeze({
  accessKeyId: 'AKIDMOCKBEDROCKTEST1',
  secretAccessKey: 'mOcK/sEcReT+kEy/wJalrXUtnFEMI/K7MDENGbPxRfiCY',
});
export const mockAwsRegion = 'us-east-1';

export const mockBedrockModels = [
  'anthropic.claude-3-5-sonnet-20241022-v2:0',
  'us.anthropic.claude-3-5-sonnet-20241022-v2:0',
  'meta.llama3-1-70b-instruct-v1:0',
  'mistral.mistral-large-2407-v1:0',
  'amazon.nova-pro-v1:0',
  'amazon.titan-embed-text-v2:0',
  'amazon.titan-embed-text-v1',
  'cohere.embed-english-v3',
  'cohere.embed-v4:0',
  'amazon.nova-canvas-v1:0',
  'amazon.titan-image-generator-v2:0',
  'cohere.rerank-v3-5:0',
];

export interface MockBedrockOptions {
  readonly credentials?: MockAwsCredentials;
  readonly region?: string;
  /** Characters per streamed text or tool-input delta. */
  readonly chunkSize?: number;
  /** Bytes per socket write of the event stream (to split frames, and characters, across reads). */
  readonly writeSize?: number;
}

const codec = new EventStreamCodec(
  (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'),
  (s) => Buffer.from(s, 'utf8'),
);

export function sendBedrockError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    'x-amzn-requestid': 'mock-request-id',
  });
  res.end(JSON.stringify({ message }));
}

const str = (value: string) => ({ type: 'string' as const, value });

/** One event frame; Bedrock pads payloads with a `p` field of varying length. */
export function eventFrame(type: string, payload: Record<string, unknown>): Uint8Array {
  const headers: MessageHeaders = { ':event-type': str(type), ':content-type': str('application/json'), ':message-type': str('event') };
  return codec.encode({ headers, body: Buffer.from(JSON.stringify({ ...payload, p: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0'.slice(0, 5 + (type.length % 20)) })) });
}

export function exceptionFrame(type: string, message: string): Uint8Array {
  const headers: MessageHeaders = { ':exception-type': str(type), ':content-type': str('application/json'), ':message-type': str('exception') };
  return codec.encode({ headers, body: Buffer.from(JSON.stringify({ message })) });
}

function pieces(text: string, size: number): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

/** The ConverseStream frames of an answer: messageStart, blocks, messageStop, metadata. */
export function answerFrames(answer: Answer, chunkSize: number): Uint8Array[] {
  const frames = [eventFrame('messageStart', { role: 'assistant' })];
  answer.blocks.forEach((block, i) => {
    const b = block as { text?: string; toolUse?: { toolUseId: string; name: string; input: unknown }; reasoningContent?: { reasoningText: { text: string; signature: string } } };
    if (b.toolUse !== undefined) {
      frames.push(eventFrame('contentBlockStart', { contentBlockIndex: i, start: { toolUse: { toolUseId: b.toolUse.toolUseId, name: b.toolUse.name } } }));
      const input = JSON.stringify(b.toolUse.input);
      // A call without arguments streams no input at all.
      if (input !== '{}') for (const p of pieces(input, chunkSize)) frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: i, delta: { toolUse: { input: p } } }));
    } else if (b.reasoningContent !== undefined) {
      for (const p of pieces(b.reasoningContent.reasoningText.text, chunkSize)) frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: i, delta: { reasoningContent: { text: p } } }));
      frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: i, delta: { reasoningContent: { signature: b.reasoningContent.reasoningText.signature } } }));
    } else {
      for (const p of pieces(b.text ?? '', chunkSize)) frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: i, delta: { text: p } }));
    }
    frames.push(eventFrame('contentBlockStop', { contentBlockIndex: i }));
  });
  frames.push(eventFrame('messageStop', { stopReason: answer.stopReason }));
  frames.push(eventFrame('metadata', { usage: answer.usage, metrics: { latencyMs: 42 } }));
  return frames;
}

export async function writeEventStream(res: ServerResponse, frames: readonly Uint8Array[], writeSize?: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'mock-request-id' });
  const all = Buffer.concat(frames);
  const size = writeSize ?? all.length;
  for (let i = 0; i < all.length; i += size) {
    res.write(all.subarray(i, i + size));
    // Separate reads on the client side, so splits really are splits.
    if (writeSize !== undefined) await new Promise((resolve) => setImmediate(resolve));
  }
  res.end();
}

/** A deterministic unit vector derived from the text. */
export function mockBedrockVector(text: string, dims: number): number[] {
  let seed = 0;
  for (const ch of text) seed = (seed * 31 + (ch.codePointAt(0) ?? 0)) % 1_000_003;
  const raw = Array.from({ length: dims }, (_, i) => Math.sin(seed + i + 1));
  const norm = Math.sqrt(raw.reduce((s, v) => s + v * v, 0));
  return raw.map((v) => Math.fround(v / norm));
}

class Malformed extends Error {}
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function keysOnly(body: Record<string, unknown>, allowed: readonly string[], required: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw new Malformed(`Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`);
  }
  for (const key of required) {
    if (!(key in body)) throw new Malformed(`Malformed input request: #: required key [${key}] not found, please reformat your input and try again.`);
  }
}

function invokeEmbeddings(modelId: string, body: unknown): unknown {
  if (!isObject(body)) throw new Malformed('Malformed input request: #: expected type: JSONObject, please reformat your input and try again.');
  if (modelId.startsWith('amazon.titan-embed-text')) {
    const v2 = modelId.includes('v2');
    keysOnly(body, v2 ? ['inputText', 'dimensions', 'normalize', 'embeddingTypes'] : ['inputText'], ['inputText']);
    if (typeof body.inputText !== 'string' || body.inputText === '') throw new Malformed('Malformed input request: #/inputText: expected minLength: 1, please reformat your input and try again.');
    const dims = (body.dimensions as number | undefined) ?? (v2 ? 1024 : 1536);
    if (![256, 512, 1024, 1536].includes(dims) || (v2 && dims === 1536)) throw new Malformed(`Malformed input request: #/dimensions: ${dims} is not a valid enum value, please reformat your input and try again.`);
    const embedding = mockBedrockVector(body.inputText, dims);
    return { embedding, inputTextTokenCount: Math.ceil(body.inputText.length / 4), ...(v2 ? { embeddingsByType: { float: embedding } } : {}) };
  }
  const v4 = modelId.includes('embed-v4');
  keysOnly(body, ['texts', 'images', 'input_type', 'truncate', 'embedding_types', ...(v4 ? ['output_dimension', 'max_tokens', 'inputs'] : [])], ['input_type']);
  const texts = body.texts;
  if (!Array.isArray(texts) || texts.length === 0 || texts.length > 96 || texts.some((t) => typeof t !== 'string')) {
    throw new Malformed('Malformed input request: #/texts: expected 1 to 96 strings, please reformat your input and try again.');
  }
  if (!['search_document', 'search_query', 'classification', 'clustering', 'image'].includes(String(body.input_type))) {
    throw new Malformed(`Malformed input request: #/input_type: ${String(body.input_type)} is not a valid enum value, please reformat your input and try again.`);
  }
  const dims = (body.output_dimension as number | undefined) ?? (v4 ? 1536 : 1024);
  const vectors = (texts as string[]).map((t) => mockBedrockVector(t, dims));
  const meta = { api_version: { version: '1' }, billed_units: { input_tokens: (texts as string[]).reduce((n, t) => n + Math.ceil(t.length / 4), 0) } };
  // Embed v4 answers by type; v3 with a plain list of float vectors.
  return v4
    ? { id: 'emb-mock', response_type: 'embeddings_by_type', embeddings: { float: vectors }, texts, meta }
    : { id: 'emb-mock', response_type: 'embeddings_floats', embeddings: vectors, texts, meta };
}

const tooLongChars = 50_000;

/** Starts the mock on a free loopback port; close it in `afterAll`. */
export async function startMockBedrock(options: MockBedrockOptions = {}): Promise<MockServer> {
  const creds = options.credentials ?? mockAwsCredentials;
  const region = options.region ?? mockAwsRegion;
  const chunkSize = options.chunkSize ?? 4;
  return startMockServer(async (rec, res) => {
    const route = /^\/model\/([^/?]+)\/(converse|converse-stream|invoke)(?:\?|$)/.exec(rec.url);
    if (rec.method !== 'POST' || route === null) return sendBedrockError(res, 404, 'UnknownOperationException', 'Unknown operation');
    const failure = await verifySigV4(rec, creds, region);
    if (failure !== undefined) return sendBedrockError(res, failure.status, failure.type, failure.message);
    const modelId = decodeURIComponent(route[1] as string).split('/').pop() as string;
    if (!mockBedrockModels.includes(modelId)) return sendBedrockError(res, 400, 'ValidationException', 'The provided model identifier is invalid.');
    const embedding = modelId.includes('embed');
    const media = /^amazon\.(nova-canvas|titan-image)|^cohere\.rerank/.test(modelId);
    const action = route[2] as string;
    if (rec.json === undefined) return sendBedrockError(res, 400, 'SerializationException', 'Could not parse the request body as JSON.');
    if (action === 'invoke' && media) {
      try {
        return sendJson200(res, modelId.startsWith('cohere.rerank') ? invokeRerank(rec.json) : invokeTextImage(modelId, rec.json));
      } catch (err) {
        if (err instanceof InvokeRejected) return sendBedrockError(res, 400, 'ValidationException', err.message);
        throw err;
      }
    }
    if (media) return sendBedrockError(res, 400, 'ValidationException', "This action doesn't support the model that you provided. Try again with a supported text or chat model.");
    if (action === 'invoke') {
      if (!embedding) return sendBedrockError(res, 400, 'ValidationException', 'This mock serves InvokeModel for embedding models only.');
      try {
        return sendJson200(res, invokeEmbeddings(modelId, rec.json));
      } catch (err) {
        if (err instanceof Malformed) return sendBedrockError(res, 400, 'ValidationException', err.message);
        throw err;
      }
    }
    if (embedding) {
      return sendBedrockError(res, 400, 'ValidationException', "This action doesn't support the model that you provided. Try again with a supported text or chat model.");
    }
    let answer: Answer;
    try {
      const body = validateConverse(rec.json, modelId);
      if (rec.body.length > tooLongChars) return sendBedrockError(res, 400, 'ValidationException', 'Input is too long for requested model.');
      answer = answerConverse(body, modelId);
    } catch (err) {
      if (err instanceof ValidationError) return sendBedrockError(res, 400, 'ValidationException', err.message);
      throw err;
    }
    if (action === 'converse') {
      return sendJson200(res, { output: { message: { role: 'assistant', content: answer.blocks } }, stopReason: answer.stopReason, usage: answer.usage, metrics: { latencyMs: 42 } });
    }
    if (rec.headers.accept !== undefined && !/eventstream|\*\/\*/.test(String(rec.headers.accept))) {
      return sendBedrockError(res, 406, 'NotAcceptableException', 'ConverseStream answers application/vnd.amazon.eventstream');
    }
    return writeEventStream(res, answerFrames(answer, chunkSize), options.writeSize);
  });
}

function sendJson200(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'mock-request-id' });
  res.end(JSON.stringify(body));
}

/** Ready-made Bedrock faults for `override` (they skip signature checks: the fault is the point). */
export const bedrockFaults = {
  error: (status: number, type: string, message: string): Handler => (_req, res) => sendBedrockError(res, status, type, message),
  /** A 200 event stream that sends the first `after` frames of the answer, then an exception frame. */
  streamException: (type: string, message: string, after = 3): Handler => async (req: RecordedRequest, res) => {
    const modelId = decodeURIComponent(/^\/model\/([^/]+)/.exec(req.url)?.[1] ?? '');
    const frames = answerFrames(answerConverse(validateConverse(req.json, modelId), modelId), 4).slice(0, after);
    await writeEventStream(res, [...frames, exceptionFrame(type, message)]);
  },
  /** A stream cut after `after` frames, without messageStop. */
  truncatedStream: (after = 3): Handler => async (req: RecordedRequest, res) => {
    const modelId = decodeURIComponent(/^\/model\/([^/]+)/.exec(req.url)?.[1] ?? '');
    await writeEventStream(res, answerFrames(answerConverse(validateConverse(req.json, modelId), modelId), 4).slice(0, after));
  },
};
