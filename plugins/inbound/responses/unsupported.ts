import { GatewayError, cutEcho } from 'switchyard';

/**
 * A 400 for a Responses feature that only OpenAI's own service provides (built-in tools,
 * server-side conversations, stored prompts…): on a translated route there is nothing that can do
 * it, and silently dropping it would change what the client asked for.
 */
export function notTranslated(param: string, what: string): GatewayError {
  return new GatewayError(
    400,
    'invalid_request_error',
    `${cutEcho(what)} is not supported for this model: the Responses API is translated onto chat completions for it, and only OpenAI deployments provide it`,
    { param, code: 'unsupported_parameter' },
  );
}
