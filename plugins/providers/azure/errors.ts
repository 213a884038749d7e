import type { ProviderErrorInfo } from 'switchyard';

interface AzureErrorShape {
  error?: { message?: unknown; code?: unknown; param?: unknown; innererror?: { code?: unknown } };
  /** Entra (bearer) failures come from the gateway in front of the service: `{ statusCode, message }`. */
  message?: unknown;
}

/**
 * Azure OpenAI's error envelope: OpenAI's, with Azure codes (`DeploymentNotFound`, `429` as a
 * string) and, for blocked prompts, `code: 'content_filter'` and
 * `innererror.code: 'ResponsibleAIPolicyViolation'`, which becomes `content_policy_violation`.
 */
export function azureErrorInfo(status: number, body: unknown): ProviderErrorInfo {
  const shape = (typeof body === 'object' && body !== null ? body : {}) as AzureErrorShape;
  const error = typeof shape.error === 'object' && shape.error !== null ? shape.error : undefined;
  const raw = error?.message ?? shape.message;
  const message = typeof raw === 'string' ? raw : typeof body === 'string' && body.length > 0 ? body.slice(0, 500) : `azure answered ${status}`;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const param = typeof error?.param === 'string' ? error.param : undefined;
  const inner = error?.innererror?.code;
  if (code === 'content_filter' || inner === 'ResponsibleAIPolicyViolation') {
    return { message, code, param, kind: 'content_policy_violation' };
  }
  if (code === 'context_length_exceeded' || /maximum context length/i.test(message)) {
    return { message, code, param, kind: 'context_length_exceeded' };
  }
  // Azure's 429 code is the string "429"; OpenAI clients know rate limits by status, not this code.
  return { message, code: code === String(status) ? undefined : code, param };
}
