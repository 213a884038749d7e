import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import type { IncomingHttpHeaders } from 'node:http';
import { eventFrame, mockAwsCredentials, mockAwsRegion } from '../helpers/mock-upstream/bedrock.ts';

/**
 * Each wire format the gateway speaks, as a fault-injecting upstream needs it: where the model
 * travels, whether a request streams, the credential it carries (echoed in error bodies, so the
 * suite proves the gateway scrubs it), a correct answer, a correct stream (with or without its
 * terminator), and errors in the provider's own shape.
 */
export type WireId = 'openai' | 'azure' | 'anthropic' | 'gemini' | 'bedrock' | 'cohere';
export const wireIds: readonly WireId[] = ['openai', 'azure', 'anthropic', 'gemini', 'bedrock', 'cohere'];

export interface WireRequest {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly json: Record<string, unknown> | undefined;
}

export interface WireError {
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface Wire {
  readonly id: WireId;
  /** The text in which the fault's model name travels (URL or body model). */
  modelText(req: WireRequest): string;
  stream(req: WireRequest): boolean;
  /** The credential the request carries, as the provider would echo it. */
  credential(req: WireRequest): string;
  /** A correct non-streamed answer carrying `text`. */
  answer(text: string): string;
  /** Content type of a stream. */
  readonly streamType: string;
  /**
   * A correct stream carrying `text` in about `pieces` content events; without its terminator
   * when `terminated` is false (content complete, end marker and finish reason missing).
   */
  stream_(text: string, pieces: number, terminated: boolean): Buffer[];
  /** One stream event whose JSON is cut in half (framing intact). */
  cutEvent(): Buffer;
  /** An error with this status in the provider's shape. */
  error(status: number, message: string, retryAfterS?: number): WireError;
}

/** Splits text into about `n` pieces by code points (never inside a character). */
export function pieces(text: string, n: number): string[] {
  const chars = [...text];
  const size = Math.max(1, Math.ceil(chars.length / n));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

const sse = (data: unknown, event?: string, eol = '\n'): Buffer =>
  Buffer.from(`${event === undefined ? '' : `event: ${event}${eol}`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}${eol}${eol}`);

const json = (v: unknown): string => JSON.stringify(v);
const bodyModel = (req: WireRequest): string => String(req.json?.model ?? '');
const bearer = (req: WireRequest): string => String(req.headers.authorization ?? '').replace(/^Bearer /, '');
const retry = (s: number | undefined): Record<string, string> => (s === undefined ? {} : { 'retry-after': String(s) });
const jsonHeaders = { 'content-type': 'application/json' };

// ---------------------------------------------------------------------------------------------- OpenAI

function openAIChunk(choices: unknown[]): Record<string, unknown> {
  return { id: 'chatcmpl-fault', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'rel', system_fingerprint: 'fp_fault', choices };
}

function openAIWire(id: 'openai' | 'azure'): Wire {
  return {
    id,
    modelText: (req) => (id === 'azure' ? decodeURIComponent(req.url) : bodyModel(req)),
    stream: (req) => req.json?.stream === true,
    credential: (req) => (id === 'azure' ? String(req.headers['api-key'] ?? '') : bearer(req)),
    answer: (text) =>
      json({
        id: 'chatcmpl-fault',
        object: 'chat.completion',
        created: 1_700_000_000,
        model: 'rel',
        choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 7, total_tokens: 10 },
      }),
    streamType: 'text/event-stream',
    stream_(text, n, terminated) {
      const out = [sse(openAIChunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]))];
      for (const p of pieces(text, n)) out.push(sse(openAIChunk([{ index: 0, delta: { content: p }, logprobs: null, finish_reason: null }])));
      if (terminated) {
        out.push(sse(openAIChunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }])));
        out.push(sse('[DONE]'));
      }
      return out;
    },
    cutEvent: () => sse(json(openAIChunk([{ index: 0, delta: { content: 'cut' }, finish_reason: null }])).slice(0, 40)),
    error: (status, message, retryAfterS) => ({
      headers: { ...jsonHeaders, ...retry(retryAfterS) },
      body: json({
        error: {
          message,
          type: status === 429 ? 'requests' : status < 500 ? 'invalid_request_error' : 'server_error',
          param: null,
          code: status === 429 ? 'rate_limit_exceeded' : status === 401 ? 'invalid_api_key' : null,
        },
      }),
    }),
  };
}

// ---------------------------------------------------------------------------------------------- Anthropic

const anthropicMessage = (text: string, streaming: boolean) => ({
  id: 'msg_fault',
  type: 'message',
  role: 'assistant',
  model: 'rel',
  content: streaming ? [] : [{ type: 'text', text }],
  stop_reason: streaming ? null : 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 3, output_tokens: streaming ? 1 : 7 },
});

const anthropicType: Record<number, string> = { 401: 'authentication_error', 403: 'permission_error', 429: 'rate_limit_error', 503: 'overloaded_error' };

const anthropicWire: Wire = {
  id: 'anthropic',
  modelText: bodyModel,
  stream: (req) => req.json?.stream === true,
  credential: (req) => String(req.headers['x-api-key'] ?? ''),
  answer: (text) => json(anthropicMessage(text, false)),
  streamType: 'text/event-stream; charset=utf-8',
  stream_(text, n, terminated) {
    const out = [
      sse({ type: 'message_start', message: anthropicMessage(text, true) }, 'message_start'),
      sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
      sse({ type: 'ping' }, 'ping'),
    ];
    for (const p of pieces(text, n)) out.push(sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } }, 'content_block_delta'));
    out.push(sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'));
    if (terminated) {
      out.push(sse({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 7 } }, 'message_delta'));
      out.push(sse({ type: 'message_stop' }, 'message_stop'));
    }
    return out;
  },
  cutEvent: () => sse(json({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'cut' } }).slice(0, 40), 'content_block_delta'),
  error: (status, message, retryAfterS) => ({
    headers: { ...jsonHeaders, ...retry(retryAfterS), 'request-id': 'req_fault' },
    body: json({
      type: 'error',
      error: { type: anthropicType[status] ?? 'api_error', message },
    }),
  }),
};

// ---------------------------------------------------------------------------------------------- Gemini

const geminiStatus: Record<number, string> = { 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };
const geminiUsage = { promptTokenCount: 3, candidatesTokenCount: 7, totalTokenCount: 10 };

const geminiWire: Wire = {
  id: 'gemini',
  modelText: (req) => decodeURIComponent(req.url),
  stream: (req) => req.url.includes(':streamGenerateContent'),
  credential: (req) => String(req.headers['x-goog-api-key'] ?? ''),
  answer: (text) =>
    json({
      candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: geminiUsage,
      modelVersion: 'rel',
      responseId: 'fault-response',
    }),
  streamType: 'text/event-stream',
  stream_(text, n, terminated) {
    const parts = pieces(text, n);
    return parts.map((p, i) => {
      const last = i === parts.length - 1 && terminated;
      const candidate = { content: { role: 'model', parts: [{ text: p }] }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) };
      const usage = last ? geminiUsage : { promptTokenCount: 3 };
      // Gemini separates its events with CRLF.
      return sse({ candidates: [candidate], usageMetadata: usage, modelVersion: 'rel', responseId: 'fault-response' }, undefined, '\r\n');
    });
  },
  cutEvent: () => sse(json({ candidates: [{ content: { role: 'model', parts: [{ text: 'cut' }] }, index: 0 }] }).slice(0, 40), undefined, '\r\n'),
  error: (status, message, retryAfterS) => ({
    headers: { ...jsonHeaders, ...retry(retryAfterS) },
    body: json({ error: { code: status, message, status: geminiStatus[status] ?? 'UNKNOWN' } }),
  }),
};

// ---------------------------------------------------------------------------------------------- Bedrock

const codec = new EventStreamCodec(
  (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'),
  (s) => Buffer.from(s, 'utf8'),
);
const bedrockType: Record<number, string> = { 401: 'UnrecognizedClientException', 403: 'AccessDeniedException', 429: 'ThrottlingException', 500: 'InternalServerException', 503: 'ServiceUnavailableException' };
const bedrockUsage = { inputTokens: 3, outputTokens: 7, totalTokens: 10 };

const bedrockWire: Wire = {
  id: 'bedrock',
  modelText: (req) => decodeURIComponent(decodeURIComponent(req.url)),
  stream: (req) => req.url.includes('/converse-stream'),
  // The secret never travels; the access key id (in the signature's credential scope) does.
  credential: (req) => /Credential=([^/,\s]+)/.exec(String(req.headers.authorization ?? ''))?.[1] ?? '',
  answer: (text) =>
    json({ output: { message: { role: 'assistant', content: [{ text }] } }, stopReason: 'end_turn', usage: bedrockUsage, metrics: { latencyMs: 42 } }),
  streamType: 'application/vnd.amazon.eventstream',
  stream_(text, n, terminated) {
    const out = [eventFrame('messageStart', { role: 'assistant' })];
    for (const p of pieces(text, n)) out.push(eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: p } }));
    out.push(eventFrame('contentBlockStop', { contentBlockIndex: 0 }));
    if (terminated) {
      out.push(eventFrame('messageStop', { stopReason: 'end_turn' }));
      out.push(eventFrame('metadata', { usage: bedrockUsage, metrics: { latencyMs: 42 } }));
    }
    return out.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength));
  },
  cutEvent() {
    const str = (value: string) => ({ type: 'string' as const, value });
    const headers: MessageHeaders = { ':event-type': str('contentBlockDelta'), ':content-type': str('application/json'), ':message-type': str('event') };
    // A frame with valid CRCs whose payload is cut JSON.
    const frame = codec.encode({ headers, body: Buffer.from(json({ contentBlockIndex: 0, delta: { text: 'cut' } }).slice(0, 25)) });
    return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  },
  error: (status, message, retryAfterS) => ({
    headers: {
      ...jsonHeaders,
      ...retry(retryAfterS),
      'x-amzn-errortype': `${bedrockType[status] ?? 'InternalServerException'}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      'x-amzn-requestid': 'fault-request-id',
    },
    body: json({ message }),
  }),
};

// ---------------------------------------------------------------------------------------------- Cohere

const cohereUsage = { billed_units: { input_tokens: 3, output_tokens: 7 }, tokens: { input_tokens: 67, output_tokens: 7 } };

const cohereWire: Wire = {
  id: 'cohere',
  modelText: bodyModel,
  stream: (req) => req.json?.stream === true,
  credential: bearer,
  answer: (text) =>
    json({ id: 'fault-cohere', finish_reason: 'COMPLETE', message: { role: 'assistant', content: [{ type: 'text', text }] }, usage: cohereUsage }),
  streamType: 'text/event-stream',
  stream_(text, n, terminated) {
    const ev = (e: Record<string, unknown>) => sse(e, String(e.type));
    const out = [
      ev({ id: 'fault-cohere', type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } }),
      ev({ type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } }),
    ];
    for (const p of pieces(text, n)) out.push(ev({ type: 'content-delta', index: 0, delta: { message: { content: { text: p } } } }));
    out.push(ev({ type: 'content-end', index: 0 }));
    if (terminated) out.push(ev({ type: 'message-end', delta: { finish_reason: 'COMPLETE', usage: cohereUsage } }));
    return out;
  },
  cutEvent: () => sse(json({ type: 'content-delta', index: 0, delta: { message: { content: { text: 'cut' } } } }).slice(0, 40), 'content-delta'),
  error: (status, message, retryAfterS) => ({ headers: { ...jsonHeaders, ...retry(retryAfterS) }, body: json({ id: 'fault-error', message }) }),
};

export const wires: Readonly<Record<WireId, Wire>> = {
  openai: openAIWire('openai'),
  azure: openAIWire('azure'),
  anthropic: anthropicWire,
  gemini: geminiWire,
  bedrock: bedrockWire,
  cohere: cohereWire,
};

/** The provider credentials of the suite: none may appear in any answer, header or log line. */
export const secrets = {
  openai: 'sk-reliability-openai-SECRET-0123456789',
  azure: 'az-reliability-azure-SECRET-0123456789',
  anthropic: 'sk-ant-reliability-SECRET-0123456789',
  gemini: 'AIzaReliabilityGeminiSECRET0123456789',
  bedrockAccessKeyId: mockAwsCredentials.accessKeyId,
  bedrockSecret: mockAwsCredentials.secretAccessKey,
  cohere: 'co-reliability-cohere-SECRET-0123456789',
} as const;

export const allSecrets: readonly string[] = Object.values(secrets);
export const bedrockRegion = mockAwsRegion;
