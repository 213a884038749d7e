import type { RequestContext } from '../context.ts';
import { GatewayError } from '../errors.ts';
import type { NativeRequest } from '../forward/native.ts';
import { forwardResult, type ForwardResult } from '../result.ts';
import type { Deployment } from '../routing/types.ts';
import type { CallInfo, ProviderDefinition } from './define.ts';
import { contentLength, forwardedBody } from './passthrough.ts';
import { sendForward } from './transport.ts';

/**
 * One native attempt of a Messages or Responses call (or a retrieval of a stored response): the
 * client's body with the deployment's model, and the client's passed headers over the
 * provider's, to the provider's URL for the format; the answer handed back from its first byte,
 * JSON or event stream, to be relayed as it is. Failures before the first byte (error statuses,
 * timeouts) are GatewayErrors naming the provider, so retries and fallbacks act as for chat.
 */
export async function nativeCall(def: ProviderDefinition, ctx: RequestContext, target: Deployment, native: NativeRequest): Promise<ForwardResult> {
  // The route stage keeps a pinned call on its deployment; this only guards a call strategy that adds others.
  if (native.pinned !== undefined && native.pinned !== target.id) {
    throw native.translationRefusal() ?? new GatewayError(400, 'invalid_request_error', 'this call belongs to another deployment');
  }
  const payload = native.body?.open(target.model);
  const info: CallInfo = { operation: native.operation, stream: ctx.stream, body: undefined, path: native.path };
  const headers: Record<string, string> = { ...native.headers };
  if (payload !== undefined) {
    headers['content-type'] = native.body?.contentType ?? 'application/json';
    if (payload.length !== undefined) headers['content-length'] = String(payload.length);
  }
  const sent = await sendForward(def, ctx.signal, target, info, payload?.bytes, headers, native.method);
  const type = sent.response.headers['content-type'];
  return forwardResult(forwardedBody(def, sent), contentLength(sent), typeof type === 'string' ? type : undefined, native.observe?.(ctx, target));
}
