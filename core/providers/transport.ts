import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError, upstreamInvalid } from '../errors.ts';
import { callUpstreamComplete, errorBodyLimit } from '../http/complete.ts';
import type { AnswerLease } from '../http/answer-budget.ts';
import { callUpstreamCollected, callUpstreamStream, type UpstreamStream } from '../http/stream.ts';
import { callTimeouts } from '../http/timeouts.ts';
import { clearDeadline, upstreamFailure, withDeadline, type UpstreamCall } from '../http/upstream.ts';
import type { Deployment } from '../routing/types.ts';
import type { CallInfo, ProviderDefinition, UpstreamInit } from './define.ts';
import { eventStreamType, isStreamAnswer, looksLikeError, statusOfErrorBody } from './stream-check.ts';
import { keepUpstreamBody, providerError, rateLimitResetMs, retryAfterSeconds, scrubSecrets } from './upstream-errors.ts';

/** A streamed call whose headers are in; read `response.body`, then `endCall`. */
export interface SentCall {
  readonly response: UpstreamStream;
  readonly init: UpstreamInit;
  readonly timeoutMs: number;
  /** The signal the call runs under: the client's, bounded by the deployment's whole-call deadline. */
  readonly signal: AbortSignal;
}

/** The transport call for one deployment: its timeouts, and the client's signal under its deadline. */
function upstreamCall(
  def: ProviderDefinition,
  signal: AbortSignal,
  target: Deployment,
  init: UpstreamInit,
  payload: string | Buffer | AsyncIterable<Buffer> | undefined,
  stream: boolean,
): UpstreamCall {
  const timeouts = callTimeouts(target, stream);
  return {
    provider: def.id,
    url: init.url,
    method: init.method ?? 'POST',
    headers: init.headers,
    body: payload,
    signal: withDeadline(signal, target.totalTimeoutMs),
    timeoutMs: timeouts.firstByteMs,
    idleTimeoutMs: timeouts.idleMs,
    connectTimeoutMs: target.connectTimeoutMs,
    totalTimeoutMs: timeouts.defaultTotalMs,
  };
}

/**
 * Sends one streamed call; an error status becomes a GatewayError with the provider's message,
 * scrubbed. `payload` is what goes on the wire when it is not `info.body` (the client's own
 * bytes). The caller reads `response.body` and calls `endCall` when the stream is over.
 */
export async function sendStream(
  def: ProviderDefinition,
  signal: AbortSignal,
  target: Deployment,
  info: CallInfo,
  payload: string | Buffer | undefined = info.body,
): Promise<SentCall> {
  const init = await def.request(target, info);
  const call = upstreamCall(def, signal, target, init, payload, true);
  let response: UpstreamStream;
  try {
    response = await callUpstreamStream(call);
    if (response.statusCode >= 400) throw await errorFromResponse(def, response, init);
    if (!isStreamAnswer(response.headers, def.streamContentType ?? eventStreamType)) throw await notAStream(def, response, init);
  } catch (err) {
    clearDeadline(call.signal);
    throw err;
  }
  return { response, init, timeoutMs: call.timeoutMs, signal: call.signal };
}

/**
 * A forwarded call (images, audio, rerank, a native Messages or Responses call…): the client's
 * body, or a stream of it, goes up with `headers` over the provider's; the answer's headers are
 * awaited and any success is handed back to be read as it arrives, whatever its media type.
 * Error statuses as `sendStream`. `method` overrides the provider's (a native `GET` or `DELETE`
 * of a stored response, without a body).
 */
export async function sendForward(
  def: ProviderDefinition,
  signal: AbortSignal,
  target: Deployment,
  info: CallInfo,
  payload: string | Buffer | AsyncIterable<Buffer> | undefined,
  headers: Readonly<Record<string, string>>,
  method?: UpstreamInit['method'],
): Promise<SentCall> {
  const base = await def.request(target, info);
  const init: UpstreamInit = { ...base, headers: { ...base.headers, ...headers }, ...(method === undefined ? {} : { method }) };
  // A native Messages or Responses call that is not streamed gets its headers with the finished
  // answer: it waits as long as any complete answer does, not a stream's first-byte limit.
  const native = info.operation === 'messages' || info.operation === 'responses';
  const call = upstreamCall(def, signal, target, init, payload, native ? info.stream : true);
  let response: UpstreamStream;
  try {
    response = await callUpstreamStream(call);
    if (response.statusCode >= 400) throw await errorFromResponse(def, response, init);
  } catch (err) {
    clearDeadline(call.signal);
    throw err;
  }
  return { response, init, timeoutMs: call.timeoutMs, signal: call.signal };
}

/**
 * A non-streamed call read whole (no response stream; see callUpstreamComplete): the answer's
 * bytes, or a GatewayError (an error status with the provider's message, scrubbed, as `sendStream`).
 * With a `lease` (a client's request), the bytes count against its answer-buffer budget: past
 * it, a 502 rather than unbounded memory.
 */
export async function sendComplete(
  def: ProviderDefinition,
  signal: AbortSignal,
  target: Deployment,
  info: CallInfo,
  payload: string | Buffer | undefined = info.body,
  lease?: AnswerLease,
): Promise<Buffer> {
  const init = await def.request(target, info);
  const call = upstreamCall(def, signal, target, init, payload, false);
  let answer;
  try {
    answer = await callUpstreamComplete(call, undefined, lease);
  } finally {
    clearDeadline(call.signal);
  }
  // An error body over errorBodyLimit was not read (its bytes are empty).
  if (answer.statusCode >= 400) throw errorFromText(def, answer.statusCode, answer.headers, answer.bytes.toString('utf8'), init);
  return answer.bytes;
}

/** A non-streamed answer that may be forwarded: its bytes if small, else the call to pass on. */
export type CollectedAnswer = { readonly whole: Buffer; readonly sent?: undefined } | { readonly whole?: undefined; readonly sent: SentCall };

/**
 * A non-streamed call whose answer nothing needs whole: read whole up to `forwardAbove` bytes
 * (within the request's answer-buffer budget), else handed back as a streamed call to forward.
 * Error statuses as `sendComplete`.
 */
export async function sendCollected(
  def: ProviderDefinition,
  signal: AbortSignal,
  target: Deployment,
  info: CallInfo,
  payload: string | Buffer | undefined,
  forwardAbove: number,
  lease: AnswerLease,
): Promise<CollectedAnswer> {
  const init = await def.request(target, info);
  const call = upstreamCall(def, signal, target, init, payload, false);
  let response: UpstreamStream;
  try {
    response = await callUpstreamCollected(call, { lease, bytes: forwardAbove });
    if (response.statusCode >= 400) throw await errorFromResponse(def, response, init);
  } catch (err) {
    clearDeadline(call.signal);
    throw err;
  }
  if (response.whole !== undefined) {
    clearDeadline(call.signal);
    return { whole: response.whole };
  }
  return { sent: { response, init, timeoutMs: call.timeoutMs, signal: call.signal } };
}

/** A non-streamed JSON answer, parsed; garbage becomes a 502 naming the provider. */
export async function sendJson<T>(
  def: ProviderDefinition,
  signal: AbortSignal,
  target: Deployment,
  info: CallInfo,
  payload: string | Buffer | undefined = info.body,
  lease?: AnswerLease,
): Promise<T> {
  const bytes = await sendComplete(def, signal, target, info, payload, lease);
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw upstreamInvalid(def.id, 'body is not JSON');
  }
}

/** An error status's body, read up to errorBodyLimit (past it, or on a failure, the status alone speaks). */
async function errorFromResponse(def: ProviderDefinition, response: UpstreamStream, init: UpstreamInit): Promise<GatewayError> {
  return errorFromText(def, response.statusCode, response.headers, await readSmall(response), init);
}

/**
 * A 200 answer to a stream request that is not a stream: an error envelope is translated as its
 * status would be (the status it names, else 502), anything else (an HTML page) is an invalid
 * answer. Both fail the call before the client has a byte, so retries and fallbacks still act.
 */
async function notAStream(def: ProviderDefinition, response: UpstreamStream, init: UpstreamInit): Promise<GatewayError> {
  const text = await readSmall(response);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (looksLikeError(body)) return errorFromText(def, statusOfErrorBody(body), response.headers, text, init);
  const type = String(response.headers['content-type']).slice(0, 100);
  return upstreamInvalid(def.id, `a stream was asked for, but the answer is '${type}', not an event stream`);
}

/** A body read whole up to errorBodyLimit; empty past it or on a failure. */
async function readSmall(response: UpstreamStream): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const part of response.body) {
      size += part.length;
      if (size > errorBodyLimit) {
        parts.length = 0;
        break;
      }
      parts.push(part);
    }
  } catch {
    parts.length = 0;
  }
  return Buffer.concat(parts).toString('utf8');
}

function errorFromText(def: ProviderDefinition, statusCode: number, headers: IncomingHttpHeaders, text: string, init: UpstreamInit): GatewayError {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (an HTML error page from a proxy, say): the provider reads the text.
  }
  const info = def.errorInfo(statusCode, body, headers);
  const secrets = secretsOf(init.headers);
  // Precedence: what the provider's body said, then Retry-After, then (on a 429) the providers'
  // rate-limit reset headers, which OpenAI and Anthropic send instead of Retry-After at times.
  const hintedS = info.retryAfterS ?? retryAfterSeconds(headers);
  const retryAfterMs =
    info.retryAfterMs ?? (hintedS !== undefined ? hintedS * 1000 : statusCode === 429 ? rateLimitResetMs(headers) : undefined);
  const error = providerError(def.id, statusCode, {
    ...info,
    message: scrubSecrets(info.message, secrets),
    retryAfterS: hintedS ?? (retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000)),
    retryAfterMs,
  });
  return keepUpstreamBody(error, scrubSecrets(text, secrets));
}

/** Header values that carry credentials, so they can be scrubbed from any upstream message. */
export function secretsOf(headers: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!/authorization|key|token|secret/i.test(name)) continue;
    out.push(value.startsWith('Bearer ') ? value.slice(7) : value);
  }
  return out;
}

/**
 * A failure while reading a sent call as a GatewayError: transport failures mapped (the call's
 * signal carries the client's abort reason through its deadline, so it tells a client that left
 * from a deadline that passed), and error events read from the answer scrubbed of the keys we
 * sent, as error statuses are.
 */
export function sentCallFailure(def: ProviderDefinition, sent: SentCall, err: unknown): GatewayError {
  const error = upstreamFailure(err, { provider: def.id, signal: sent.signal, timeoutMs: sent.timeoutMs });
  const message = scrubSecrets(error.message, secretsOf(sent.init.headers));
  return message === error.message ? error : new GatewayError(error.status, error.type, message, error.extra);
}

/** The call is over (a stream ended or was abandoned): its deadline timer goes. */
export function endCall(sent: SentCall): void {
  clearDeadline(sent.signal);
}
