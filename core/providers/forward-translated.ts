import type { RequestContext } from '../context.ts';
import { internalError, upstreamInvalid } from '../errors.ts';
import { answerLease } from '../http/answer-budget.ts';
import { ForwardMeter } from '../forward/meter.ts';
import { forwardResult, type ForwardResult } from '../result.ts';
import type { Deployment } from '../routing/types.ts';
import type { CallInfo, ForwardTranslation, ProviderDefinition } from './define.ts';
import { sendComplete } from './transport.ts';

/**
 * One attempt of a forwarded call on a provider that serves the route by translation: the
 * client's body (read whole, as every forwarded JSON body is) translated to the provider's, sent
 * as any non-streamed call (errors mapped by the provider's `errorInfo`, as its chat errors are),
 * the answer read whole and translated back. It goes to the client as a forwarded answer does,
 * measured by the same meter, so spend and logs see it as they see a passed-through one.
 */
export async function translatedForwardCall(
  def: ProviderDefinition,
  ctx: RequestContext,
  target: Deployment,
  translation: ForwardTranslation,
): Promise<ForwardResult> {
  const forward = ctx.forward;
  if (forward === undefined) throw internalError('a forwarded operation without its request');
  const { route, request } = forward;
  const body = JSON.stringify(translation.toRequest(request, target));
  const info: CallInfo = { operation: route.operation, stream: false, body, path: route.upstreamPath };
  const bytes = await sendComplete(def, ctx.signal, target, info, body, answerLease(ctx.signal));
  let upstream: unknown;
  try {
    upstream = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw upstreamInvalid(def.id, 'body is not JSON');
  }
  const answer = Buffer.from(JSON.stringify(translation.fromResponse(upstream, target, request)), 'utf8');
  const meter = new ForwardMeter(route.operation, request, true, false);
  return forwardResult(once(answer), answer.length, 'application/json', meter);
}

async function* once(bytes: Buffer): AsyncGenerator<Buffer, undefined> {
  yield bytes;
  return undefined;
}
