import { Type } from '@sinclair/typebox';
import { definePlugin, defineProvider } from 'switchyard';
import { azureErrorInfo } from './errors.ts';
import { azureRequest, defaultApiVersion, trimEndpoint, type AzureTransport } from './transport.ts';

export const AzureOptions = Type.Object(
  {
    /** Provider id in `provider/deployment` names; default `azure` (use e.g. `azure-eu` for a second resource). */
    id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' })),
    /** `https://<resource>.openai.azure.com`; a deployment's `baseURL` overrides it. */
    endpoint: Type.Optional(Type.String({ format: 'uri' })),
    /** Sent as the `api-key` header. */
    apiKey: Type.Optional(Type.String()),
    /** A Microsoft Entra ID access token, sent as `Authorization: Bearer`. */
    azureADToken: Type.Optional(Type.String()),
    /** Returns a fresh Entra token; called per request (token providers cache). Config files only. */
    getToken: Type.Optional(Type.Unsafe<() => Promise<string>>({ description: 'async () => string' })),
    /** `api-version` query parameter (default 2024-10-21), or `v1` for the v1 API; a deployment's `options.apiVersion` overrides it. */
    apiVersion: Type.Optional(Type.String({ minLength: 1 })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false, title: 'provider-azure' },
);

/**
 * Azure OpenAI: OpenAI's wire format behind deployment URLs. Bodies and stream events pass
 * through untouched (Azure's `prompt_filter_results` / `content_filter_results` included); the
 * Deployment's `model` is the Azure deployment name. No naming rule: route with model groups or
 * `azure/<deployment>`.
 *
 * @example
 * plugins: [azure({ endpoint: 'https://acme.openai.azure.com', apiKey: process.env.AZURE_OPENAI_API_KEY })],
 * models: [{ name: 'gpt-4o', deployments: [{ provider: 'azure', model: 'my-gpt4o-deployment' }] }]
 */
export default definePlugin(AzureOptions, (options) => {
  const id = options.id ?? 'azure';
  if (options.getToken !== undefined && typeof options.getToken !== 'function') {
    throw new TypeError("provider-azure: 'getToken' must be an async function returning a token");
  }
  const transport: AzureTransport = Object.freeze({
    provider: id,
    endpoint: options.endpoint === undefined ? undefined : trimEndpoint(options.endpoint),
    apiVersion: options.apiVersion ?? defaultApiVersion,
    apiKey: options.apiKey,
    azureADToken: options.azureADToken,
    getToken: options.getToken,
    headers: Object.freeze({ 'content-type': 'application/json', ...options.headers }),
  });

  const adapter = defineProvider({
    id,
    request: (target, call) => azureRequest(transport, target, call),
    errorInfo: azureErrorInfo,
    chat: 'passthrough',
    completions: 'passthrough',
    embeddings: 'passthrough',
    // Azure serves images and audio under the deployment; it has no moderations or rerank route.
    // The Responses API is served natively, on the v1 API (see azureUrl).
    forwards: ['images', 'speech', 'transcriptions', 'responses'],
  });

  return {
    name: id === 'azure' ? 'provider-azure' : `provider-${id}`,
    setup(gateway) {
      gateway.providers.register(adapter);
    },
  };
});
