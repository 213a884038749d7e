import type { IncomingHttpHeaders } from 'node:http';
import { providerError, scrubSecrets, type GatewayError, type ProviderErrorInfo } from 'switchyard';
import type { GoogleErrorDetail } from './types.ts';

/** Gemini's INVALID_ARGUMENT for a prompt over the model's window ("The input token count (…) exceeds the maximum…"). */
const tooLong = /input token count|exceeds the maximum number of tokens|context (length|window)|too many tokens/i;

/**
 * Reads Google's error envelope `{"error":{"code","message","status","details"}}` (also sent as a
 * one-element array by the non-SSE stream endpoint). RESOURCE_EXHAUSTED keeps its RetryInfo
 * delay, UNAVAILABLE means overloaded, a bad key (a 400 from Gemini) is the gateway's problem.
 */
export function googleErrorInfo(status: number, body: unknown, _headers?: IncomingHttpHeaders): ProviderErrorInfo {
  const envelope = Array.isArray(body) ? (body[0] as unknown) : body;
  const error = typeof envelope === 'object' && envelope !== null ? (envelope as { error?: GoogleErrorDetail }).error : undefined;
  const message =
    typeof error?.message === 'string' && error.message !== ''
      ? error.message
      : typeof body === 'string' && body !== ''
        ? body.slice(0, 500)
        : `Gemini answered ${status}`;
  const googleStatus = error?.status;
  const details = error?.details ?? [];
  const retryAfterS = retryDelaySeconds(details);
  const keyInvalid = details.some((d) => d.reason === 'API_KEY_INVALID') || /API key not valid/i.test(message);
  const kind =
    keyInvalid
      ? 'upstream_auth_failed'
      : (googleStatus === 'INVALID_ARGUMENT' || status === 400) && tooLong.test(message)
        ? 'context_length_exceeded'
        : googleStatus === 'UNAVAILABLE' || status === 503
          ? 'overloaded'
          : undefined;
  // Gemini's statuses are gRPC names; ours are OpenAI's codes where the core has one for the case.
  const code = googleStatus === 'RESOURCE_EXHAUSTED' ? 'rate_limit_exceeded' : kind === 'overloaded' ? undefined : googleStatus?.toLowerCase();
  return { message, code, kind, retryAfterS };
}

/** `google.rpc.RetryInfo.retryDelay` is a Duration string such as "39s" or "0.5s". */
function retryDelaySeconds(details: readonly { '@type'?: string; retryDelay?: string }[]): number | undefined {
  for (const d of details) {
    if (typeof d.retryDelay !== 'string') continue;
    const seconds = Number.parseFloat(d.retryDelay);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  }
  return undefined;
}

/** An `error` object inside a stream: the stream ends with it, mapped like an HTTP error. */
export function streamError(provider: string, error: GoogleErrorDetail): GatewayError {
  const status = typeof error.code === 'number' && error.code >= 400 ? error.code : 500;
  const info = googleErrorInfo(status, { error });
  return providerError(provider, status, { ...info, message: scrubSecrets(info.message, []) });
}
