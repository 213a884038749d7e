import type { IncomingHttpHeaders } from 'node:http';
import { providerError, scrubSecrets, type GatewayError, type ProviderErrorInfo } from 'switchyard';

/** `x-amzn-errortype: ThrottlingException:http://internal.amazon.com/...` → `ThrottlingException`. */
export function errorType(headers: IncomingHttpHeaders, body: unknown): string | undefined {
  const raw = headers['x-amzn-errortype'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value === 'string' && value !== '') return value.split(':')[0];
  const type = (body as { __type?: unknown } | null)?.__type;
  return typeof type === 'string' ? type.split('#').pop() : undefined;
}

// Bedrock's wording for prompts over the model's window, across the models it hosts.
const tooLong = /too long|context (length|window|limit)|exceeds? the (maximum )?context|input length and `?max_tokens`? exceed|maximum (input )?tokens? (length )?exceeded|max(imum)?[ _]tokens.*exceed/i;

/**
 * Reads Bedrock's error (`{"message": "..."}` plus the `x-amzn-errortype` header). Statuses map
 * as the core does (429 throttling, 403 credentials → 502); these types need more:
 * a ValidationException about length is `context_length_exceeded`,
 * ServiceUnavailable/ModelNotReady are `overloaded` (503), and ModelErrorException /
 * ModelStreamErrorException (HTTP 424: the model failed while processing) are `upstream_failure`
 * (502, retryable), not the client's 400.
 */
export function bedrockErrorInfo(status: number, body: unknown, headers: IncomingHttpHeaders, secrets: readonly string[]): ProviderErrorInfo {
  const shape = (typeof body === 'object' && body !== null ? body : {}) as { message?: unknown; Message?: unknown };
  const raw = typeof shape.message === 'string' ? shape.message : typeof shape.Message === 'string' ? shape.Message : undefined;
  const type = errorType(headers, body);
  const text = raw ?? (typeof body === 'string' && body !== '' ? body.slice(0, 500) : `Bedrock answered ${status}`);
  const message = scrubSecrets(type === undefined ? text : `${type}: ${text}`, secrets);
  let kind: ProviderErrorInfo['kind'];
  if (type === 'ServiceUnavailableException' || type === 'ModelNotReadyException') kind = 'overloaded';
  else if (type === 'ModelErrorException' || type === 'ModelStreamErrorException') kind = 'upstream_failure';
  else if (type === 'ValidationException' && tooLong.test(text)) kind = 'context_length_exceeded';
  return { message, kind };
}

/** HTTP status each exception has when Bedrock sends it as a response (from the service model). */
const exceptionStatus: Readonly<Record<string, number>> = {
  throttlingexception: 429,
  servicequotaexceededexception: 429,
  serviceunavailableexception: 503,
  modelnotreadyexception: 503,
  validationexception: 400,
  accessdeniedexception: 403,
  resourcenotfoundexception: 404,
  modeltimeoutexception: 408,
  // A model that failed mid-answer: the upstream's fault, so a 502 (retryable), not the client's 400.
  modelstreamerrorexception: 502,
  internalserverexception: 502,
};

/** An exception frame inside a ConverseStream answer, as a GatewayError. */
export function streamExceptionError(provider: string, type: string, message: string, secrets: readonly string[]): GatewayError {
  const name = type.charAt(0).toUpperCase() + type.slice(1);
  const status = exceptionStatus[type.toLowerCase()] ?? 502;
  const info = bedrockErrorInfo(status, { message }, { 'x-amzn-errortype': name }, secrets);
  return providerError(provider, status, info);
}
