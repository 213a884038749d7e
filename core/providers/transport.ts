import { upstreamInvalid, type GatewayError } from '../errors.ts';
import { callUpstream, defaultUpstreamTimeoutMs, readBody, upstreamFailure, type UpstreamResponse } from '../http/upstream.ts';
import type { Deployment } from '../routing/types.ts';
import type { CallInfo, ProviderDefinition, UpstreamInit } from './define.ts';
import { providerError, retryAfterSeconds, scrubSecrets } from './upstream-errors.ts';

export interface SentCall {
  readonly response: UpstreamResponse;
  readonly init: UpstreamInit;
  readonly timeoutMs: number;
}

/** Sends one call; an error status becomes a GatewayError with the provider's message, scrubbed. */
export async function send(
  def: ProviderDefinition,
  signal: AbortSignal,
  target: Deployment,
  info: CallInfo,
): Promise<SentCall> {
  const init = await def.request(target, info);
  const timeoutMs = target.timeoutMs ?? defaultUpstreamTimeoutMs;
  const response = await callUpstream({
    provider: def.id,
    url: init.url,
    method: init.method ?? 'POST',
    headers: init.headers,
    body: info.body,
    signal,
    timeoutMs,
  });
  if (response.statusCode >= 400) throw await errorFromResponse(def, response, init);
  return { response, init, timeoutMs };
}

async function errorFromResponse(def: ProviderDefinition, response: UpstreamResponse, init: UpstreamInit): Promise<GatewayError> {
  let text = '';
  try {
    text = (await readBody(response.body, 1024 * 1024)).toString('utf8');
  } catch {
    response.body.destroy();
  }
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (an HTML error page from a proxy, say): the provider reads the text.
  }
  const info = def.errorInfo(response.statusCode, body, response.headers);
  return providerError(def.id, response.statusCode, {
    ...info,
    message: scrubSecrets(info.message, secretsOf(init.headers)),
    retryAfterS: info.retryAfterS ?? retryAfterSeconds(response.headers),
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

/** Reads a whole upstream body; a reset or a stall mid-body becomes a GatewayError. */
export async function readAll(def: ProviderDefinition, signal: AbortSignal, sent: SentCall): Promise<Buffer> {
  try {
    return await readBody(sent.response.body);
  } catch (err) {
    throw upstreamFailure(err, { provider: def.id, signal, timeoutMs: sent.timeoutMs });
  }
}

/** Reads and parses a JSON body; garbage becomes a 502 naming the provider. */
export async function readJson<T>(def: ProviderDefinition, signal: AbortSignal, sent: SentCall): Promise<T> {
  const bytes = await readAll(def, signal, sent);
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw upstreamInvalid(def.id, 'body is not JSON');
  }
}
