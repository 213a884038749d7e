import { GatewayError, internalError, type CallInfo, type Deployment, type UpstreamInit } from 'switchyard';

/** The latest GA version of the data-plane inference API (chat, completions, embeddings). */
export const defaultApiVersion = '2024-10-21';

const paths = { chat: '/chat/completions', completions: '/completions', embeddings: '/embeddings' } as const;

export interface AzureAuth {
  readonly apiKey?: string | undefined;
  /** A Microsoft Entra ID access token, sent as `Authorization: Bearer`. */
  readonly azureADToken?: string | undefined;
  /** Called per request for a fresh Entra token (e.g. `getBearerTokenProvider` of @azure/identity, which caches). */
  readonly getToken?: (() => Promise<string>) | undefined;
}

export interface AzureTransport extends AzureAuth {
  /** The provider id, for messages. */
  readonly provider: string;
  readonly endpoint?: string | undefined;
  readonly apiVersion: string;
  readonly headers: Readonly<Record<string, string>>;
}

export function trimEndpoint(endpoint: string): string {
  return endpoint.replace(/\/+$/, '');
}

/**
 * `{endpoint}/openai/deployments/{deployment}{path}?api-version=…` (the path of an operation, or a forwarded route's), the deployment being the
 * Deployment's `model`. `apiVersion: 'v1'` selects Azure's v1 API, `{endpoint}/openai/v1{path}`,
 * where the deployment travels as `model` in the body (the pass-through sets it).
 */
export function azureUrl(endpoint: string, deployment: string, operation: keyof typeof paths | { readonly path: string }, apiVersion: string): string {
  const path = typeof operation === 'string' ? paths[operation] : operation.path;
  if (apiVersion === 'v1') return `${endpoint}/openai/v1${path}`;
  return `${endpoint}/openai/deployments/${encodeURIComponent(deployment)}${path}?api-version=${encodeURIComponent(apiVersion)}`;
}

/** A token provider that fails is the gateway's credential problem: a retryable 502, its cause logged, not sent. */
async function entraToken(provider: string, getToken: () => Promise<string>): Promise<string> {
  try {
    return await getToken();
  } catch (cause) {
    throw new GatewayError(502, 'api_error', `provider '${provider}' could not get a Microsoft Entra token`, { code: 'upstream_auth_failed', provider, cause });
  }
}

/** A deployment's own key wins; then an Entra token (static or from the provider); then the plugin's key. */
async function authHeader(t: AzureTransport, target: Deployment): Promise<[string, string] | undefined> {
  if (target.apiKey !== undefined && target.apiKey !== '') return ['api-key', target.apiKey];
  if (t.getToken !== undefined) return ['authorization', `Bearer ${await entraToken(t.provider, t.getToken)}`];
  if (t.azureADToken !== undefined && t.azureADToken !== '') return ['authorization', `Bearer ${t.azureADToken}`];
  if (t.apiKey !== undefined && t.apiKey !== '') return ['api-key', t.apiKey];
  return undefined;
}

export async function azureRequest(t: AzureTransport, target: Deployment, call: CallInfo): Promise<UpstreamInit> {
  const endpoint = target.baseURL ?? t.endpoint;
  if (endpoint === undefined || call.operation === 'models') {
    throw internalError(`${t.provider} deployment '${target.id}' has no endpoint: set AZURE_OPENAI_ENDPOINT, the plugin's endpoint or the deployment's baseURL`);
  }
  const option = target.options?.apiVersion;
  const apiVersion = typeof option === 'string' && option !== '' ? option : t.apiVersion;
  const headers: Record<string, string> = target.headers === undefined ? { ...t.headers } : { ...t.headers, ...target.headers };
  const auth = await authHeader(t, target);
  if (auth !== undefined) headers[auth[0]] = auth[1];
  // The Responses API lives only on the v1 API (`/openai/v1/responses`, `…/responses/{id}`), the
  // deployment named by `model` in the body, whatever api-version the other calls use.
  if (call.operation === 'responses') return { url: `${trimEndpoint(endpoint)}/openai/v1${call.path ?? '/responses'}`, headers };
  // A forwarded operation (images, audio) names its path: Azure serves them under the deployment too.
  const operation = call.path !== undefined ? { path: call.path } : (call.operation as keyof typeof paths);
  return { url: azureUrl(trimEndpoint(endpoint), target.model, operation, apiVersion), headers };
}
