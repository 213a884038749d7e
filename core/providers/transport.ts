import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError, upstreamInvalid } from '../errors.ts';
import { callUpstreamComplete } from '../http/complete.ts';
import {
  callUpstream,
  clearDeadline,
  defaultUpstreamTimeoutMs,
  readBody,
  upstreamFailure,
  withDeadline,
  type UpstreamCall,
  type UpstreamResponse,
} from '../http/upstream.ts';
import type { Deployment } from '../routing/types.ts';
import type { CallInfo, ProviderDefinition, UpstreamInit } from './define.ts';
import { providerError, rateLimitResetMs, retryAfterSeconds, scrubSecrets } from './upstream-errors.ts';

export interface SentCall {
  readonly response: UpstreamResponse;
  readonly init: UpstreamInit;
  readonly timeoutMs: number;
  /** The signal the call runs under: the client's, bounded by the deployment's whole-call deadline. */
  readonly signal: AbortSignal;
}

/** The transport call for one deployment: its timeouts, and the client's signal under its deadline. */
function upstreamCall(def: ProviderDefinition, signal: AbortSignal, target: Deployment, init: UpstreamInit, payload: string | Buffer | undefined): UpstreamCall {
  return {
    provider: def.id,
    url: init.url,
    method: init.method ?? 'POST',
    headers: init.headers,
    body: payload,
    signal: withDeadline(signal, target.totalTimeoutMs),
    timeoutMs: target.timeoutMs ?? defaultUpstreamTimeoutMs,
    idleTimeoutMs: target.idleTimeoutMs,
    connectTimeoutMs: target.connectTimeoutMs,
  };
}

/**
 * Sends one call; an error status becomes a GatewayError with the provider's message, scrubbed.
 * `payload` is what goes on the wire when it is not `info.body` (the client's own bytes). The
 * caller reads the answer with `readAll`/`readJson` or, for streams, calls `endCall` when done.
 */
export async function send(
  def: ProviderDefinition,
  signal: AbortSignal,
  target: Deployment,
  info: CallInfo,
  payload: string | Buffer | undefined = info.body,
): Promise<SentCall> {
  const init = await def.request(target, info);
  const call = upstreamCall(def, signal, target, init, payload);
  let response: UpstreamResponse;
  try {
    response = await callUpstream(call);
    if (response.statusCode >= 400) throw await errorFromResponse(def, response, init);
  } catch (err) {
    clearDeadline(call.signal);
    throw err;
  }
  return { response, init, timeoutMs: call.timeoutMs, signal: call.signal };
}

/**
 * A non-streamed call read whole (no response stream; see callUpstreamComplete): the answer's
 * bytes, or the same GatewayErrors as `send` followed by `readAll`.
 */
export async function sendComplete(
  def: ProviderDefinition,
  signal: AbortSignal,
  target: Deployment,
  info: CallInfo,
  payload: string | Buffer | undefined = info.body,
): Promise<Buffer> {
  const init = await def.request(target, info);
  const call = upstreamCall(def, signal, target, init, payload);
  let answer;
  try {
    answer = await callUpstreamComplete(call);
  } finally {
    clearDeadline(call.signal);
  }
  if (answer.statusCode >= 400) {
    // As errorFromResponse: an error body over 1 MiB is not read.
    const text = answer.bytes.length > errorBodyLimit ? '' : answer.bytes.toString('utf8');
    throw errorFromText(def, answer.statusCode, answer.headers, text, init);
  }
  return answer.bytes;
}

const errorBodyLimit = 1024 * 1024;

async function errorFromResponse(def: ProviderDefinition, response: UpstreamResponse, init: UpstreamInit): Promise<GatewayError> {
  let text = '';
  try {
    text = (await readBody(response.body, errorBodyLimit)).toString('utf8');
  } catch {
    response.body.destroy();
  }
  return errorFromText(def, response.statusCode, response.headers, text, init);
}

function errorFromText(def: ProviderDefinition, statusCode: number, headers: IncomingHttpHeaders, text: string, init: UpstreamInit): GatewayError {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (an HTML error page from a proxy, say): the provider reads the text.
  }
  const info = def.errorInfo(statusCode, body, headers);
  // Precedence: what the provider's body said, then Retry-After, then (on a 429) the providers'
  // rate-limit reset headers, which OpenAI and Anthropic send instead of Retry-After at times.
  const hintedS = info.retryAfterS ?? retryAfterSeconds(headers);
  const retryAfterMs =
    info.retryAfterMs ?? (hintedS !== undefined ? hintedS * 1000 : statusCode === 429 ? rateLimitResetMs(headers) : undefined);
  return providerError(def.id, statusCode, {
    ...info,
    message: scrubSecrets(info.message, secretsOf(init.headers)),
    retryAfterS: hintedS ?? (retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000)),
    retryAfterMs,
  });
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

/** Reads a whole upstream body; a reset or a stall mid-body becomes a GatewayError. */
export async function readAll(def: ProviderDefinition, sent: SentCall): Promise<Buffer> {
  try {
    return await readBody(sent.response.body);
  } catch (err) {
    throw sentCallFailure(def, sent, err);
  } finally {
    endCall(sent);
  }
}

/** Reads and parses a JSON body; garbage becomes a 502 naming the provider. */
export async function readJson<T>(def: ProviderDefinition, sent: SentCall): Promise<T> {
  const bytes = await readAll(def, sent);
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw upstreamInvalid(def.id, 'body is not JSON');
  }
}
