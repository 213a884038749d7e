import type { RequestContext } from '../context.ts';
import { GatewayError, internalError } from '../errors.ts';
import type { ForwardOperation, NativeOperation } from '../forward/operations.ts';
import { ForwardMeter } from '../forward/meter.ts';
import { forwardOperationNames, type ForwardRoute } from '../forward/operations.ts';
import { forwardResult, type ForwardResult } from '../result.ts';
import type { Deployment } from '../routing/types.ts';
import type { CallInfo, ProviderDefinition } from './define.ts';
import type { ProviderAdapter } from './registry.ts';
import { contentLength, forwardedBody } from './passthrough.ts';
import { sendForward, type SentCall } from './transport.ts';

/**
 * A provider asked for a forwarded operation (or one route of it: `image edits`) it does not
 * declare: 400 naming both.
 */
export function operationNotOffered(provider: string, operation: ForwardOperation | NativeOperation | ForwardRoute): GatewayError {
  const what = typeof operation === 'string' ? forwardOperationNames[operation] : (operation.name ?? forwardOperationNames[operation.operation]);
  return new GatewayError(400, 'invalid_request_error', `provider '${provider}' does not offer ${what}`, {
    param: 'model',
    code: 'operation_not_supported',
  });
}

/**
 * Whether a provider serves a forwarded route: its operation passed through as it is, or this
 * route translated (Gemini's images are Imagen's `:predict`; it has no image edits).
 */
export function offersRoute(adapter: ProviderAdapter | undefined, route: ForwardRoute): boolean {
  if (adapter === undefined) return false;
  return adapter.forwards?.includes(route.operation) === true || adapter.translatedForwards?.includes(route.upstreamPath) === true;
}

/**
 * One attempt of a forwarded call: the client's body (model set to the deployment's) to the
 * provider's URL for the route, with the client's content type; the answer handed back from its
 * first byte, whatever it is (JSON, audio), with its media type.
 */
export async function forwardCall(def: ProviderDefinition, ctx: RequestContext, target: Deployment): Promise<ForwardResult> {
  const forward = ctx.forward;
  if (forward === undefined) throw internalError('a forwarded operation without its request');
  const { route, body } = forward;
  const payload = body.open(target.model);
  const info: CallInfo = { operation: route.operation, stream: false, body: undefined, path: route.upstreamPath };
  const headers: Record<string, string> = { 'content-type': body.contentType };
  if (payload.length !== undefined) headers['content-length'] = String(payload.length);
  let sent: SentCall;
  try {
    sent = await sendForward(def, ctx.signal, target, info, payload.bytes, headers);
  } catch (err) {
    body.failed(err);
    throw err;
  }
  const header = sent.response.headers['content-type'];
  const type = typeof header === 'string' ? header : undefined;
  // Measured as it passes, for its price: JSON answers are read at both ends, audio is not.
  const meter = new ForwardMeter(route.operation, forward.request, type === undefined || /json/i.test(type), route.body === 'multipart');
  return forwardResult(forwardedBody(def, sent), contentLength(sent), type, meter);
}
