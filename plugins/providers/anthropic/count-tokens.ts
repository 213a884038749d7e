import type { IncomingHttpHeaders } from 'node:http';
import { upstreamInvalid, type CountTokensTranslation } from 'switchyard';

interface CountTokensAnswer {
  input_tokens?: unknown;
}

/** The client headers that change what Anthropic counts: the API version and beta features. */
const passed = ['anthropic-version', 'anthropic-beta'] as const;

/**
 * Anthropic's own `POST /v1/messages/count_tokens`: the client's body as it came, with `model`
 * set to the deployment's, and its `anthropic-version` and `anthropic-beta` headers, so the count
 * is exactly what the same request to Anthropic would cost.
 */
export function anthropicCountTokens(provider: string): CountTokensTranslation<Record<string, unknown>, CountTokensAnswer> {
  return {
    toRequest: ({ body }, target) => ({ ...body, model: target.model }),
    headers(client: IncomingHttpHeaders) {
      const out: Record<string, string> = {};
      for (const name of passed) {
        const value = client[name];
        if (typeof value === 'string' && value !== '') out[name] = value;
      }
      return out;
    },
    fromResponse(res) {
      const n = res?.input_tokens;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw upstreamInvalid(provider, 'count_tokens answer has no input_tokens');
      return n;
    },
  };
}
