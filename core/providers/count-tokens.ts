import type { RequestContext } from '../context.ts';
import type { CountTokensTranslation, TokenCount } from '../count/types.ts';
import { countPromptTokens } from '../count/tokenizer.ts';
import { internalError } from '../errors.ts';
import type { FinalResult } from '../openai/types.ts';
import { completeResult, JsonBody, type CompleteResult } from '../result.ts';
import type { Deployment } from '../routing/types.ts';
import type { CallInfo, ProviderDefinition, UpstreamInit } from './define.ts';
import { sendJson } from './transport.ts';

/** A count as a call result: the pipeline reads it back with `tokenCountOf`. */
function countResult(count: TokenCount): CompleteResult {
  return completeResult(JsonBody.of(count as unknown as FinalResult));
}

/** The count a token-count call produced. */
export function tokenCountOf(result: CompleteResult): TokenCount {
  return result.body.value as unknown as TokenCount;
}

/**
 * One attempt of a token-count call: the provider's own count when it has one (exact), else the
 * local estimate of the translated request with a tokenizer (no upstream call).
 */
export async function countTokensCall(def: ProviderDefinition, ctx: RequestContext, target: Deployment): Promise<CompleteResult> {
  const request = ctx.countTokens;
  if (request === undefined) throw internalError('a token-count call without its request');
  const translation = def.countTokens as CountTokensTranslation | undefined;
  if (translation === undefined) return countResult({ inputTokens: await countPromptTokens(request.chat), exact: false });
  const extra = translation.headers?.(ctx.headers) ?? {};
  // The client's headers go over the provider's (an `anthropic-beta` the client needs counted).
  const withHeaders: ProviderDefinition = {
    ...def,
    request: async (t: Deployment, info: CallInfo): Promise<UpstreamInit> => {
      const init = await def.request(t, info);
      return { ...init, headers: { ...init.headers, ...extra } };
    },
  };
  const body = JSON.stringify(translation.toRequest(request, target));
  const info: CallInfo = { operation: 'count_tokens', stream: false, body };
  const answer = await sendJson<unknown>(withHeaders, ctx.signal, target, info, body);
  return countResult({ inputTokens: translation.fromResponse(answer, target), exact: true });
}
