import { Type } from '@sinclair/typebox';
import { definePlugin, defineProvider, type CallInfo, type Deployment, type ForwardOperation, type NativeOperation, type ProviderErrorInfo, type UpstreamInit } from 'switchyard';
import { normaliseBaseURL, presets, type PresetName } from './presets.ts';

const presetNames = Object.keys(presets) as PresetName[];

export const OpenAIOptions = Type.Object(
  {
    /** Provider id used in `provider/model` names and deployments; defaults to the preset name. */
    id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' })),
    preset: Type.Optional(Type.Union(presetNames.map((name) => Type.Literal(name)))),
    apiKey: Type.Optional(Type.String()),
    baseURL: Type.Optional(Type.String({ format: 'uri' })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    /** Bare model names this provider answers, as a regular expression source (overrides the preset's). */
    claims: Type.Optional(Type.String()),
    /**
     * The server speaks OpenAI's Responses API, so `/v1/responses` calls pass through natively
     * (default: the preset's say, true only for `openai`); otherwise they are translated onto chat.
     */
    responses: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, title: 'provider-openai' },
);

const paths = { chat: '/chat/completions', completions: '/completions', embeddings: '/embeddings', models: '/models' } as const;

/**
 * OpenAI's forwarded routes, at the same paths on every server of its wire format (one that lacks
 * a route answers 404 itself). Rerank is not OpenAI's: Cohere serves it.
 */
const openAIForwards: readonly ForwardOperation[] = ['images', 'speech', 'transcriptions', 'moderations'];
/** With the Responses API, which `/responses` (and `/responses/{id}`…) serve natively. */
const withResponses: readonly (ForwardOperation | NativeOperation)[] = [...openAIForwards, 'responses'];

interface OpenAIErrorShape {
  error?: { message?: unknown; code?: unknown; param?: unknown; type?: unknown } | string;
  message?: unknown;
  detail?: unknown;
}

/** Reads OpenAI's error envelope, and the looser shapes compatible servers send. */
export function openAIErrorInfo(status: number, body: unknown): ProviderErrorInfo {
  const shape = (typeof body === 'object' && body !== null ? body : {}) as OpenAIErrorShape;
  const error = typeof shape.error === 'object' && shape.error !== null ? shape.error : undefined;
  const rawMessage = error?.message ?? (typeof shape.error === 'string' ? shape.error : undefined) ?? shape.message ?? shape.detail;
  const message =
    typeof rawMessage === 'string' ? rawMessage : typeof body === 'string' && body.length > 0 ? body.slice(0, 500) : `upstream answered ${status}`;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const param = typeof error?.param === 'string' ? error.param : undefined;
  const kind =
    code === 'context_length_exceeded' || /maximum context length|context window/i.test(message)
      ? 'context_length_exceeded'
      : code === 'content_policy_violation' || code === 'content_filter'
        ? 'content_policy_violation'
        : undefined;
  return { message, code, param, kind };
}

/**
 * OpenAI, and every server that speaks its wire format (Mistral, Groq, DeepSeek, OpenRouter,
 * Together, xAI, Fireworks, Ollama, vLLM, LM Studio, or any `baseURL`). Bodies and stream
 * events pass through untouched except for `model`; so do images, audio and moderations calls.
 *
 * @example
 * plugins: [openai({ apiKey: process.env.OPENAI_API_KEY }), openai({ preset: 'groq', apiKey: process.env.GROQ_API_KEY })]
 */
export default definePlugin(OpenAIOptions, (options) => {
  const presetName: PresetName = options.preset ?? 'openai';
  const preset = presets[presetName];
  const id = options.id ?? presetName;
  const baseURL = normaliseBaseURL(presetName, options.baseURL ?? preset.baseURL);
  const claimsSource = options.claims ?? ('claims' in preset ? preset.claims.source : undefined);
  const claims = claimsSource === undefined ? undefined : new RegExp(claimsSource);
  const fixedHeaders: Record<string, string> = { 'content-type': 'application/json', ...options.headers };

  function request(target: Deployment, call: CallInfo): UpstreamInit {
    const base = target.baseURL === undefined ? baseURL : normaliseBaseURL(presetName, target.baseURL);
    const apiKey = target.apiKey ?? options.apiKey;
    const headers = target.headers === undefined ? { ...fixedHeaders } : { ...fixedHeaders, ...target.headers };
    if (apiKey !== undefined && apiKey !== '') headers.authorization = `Bearer ${apiKey}`;
    if (call.operation === 'models') return { url: base + paths.models, headers, method: 'GET' };
    if (call.path !== undefined) return { url: base + call.path, headers };
    return { url: base + paths[call.operation as keyof typeof paths], headers };
  }

  const adapter = defineProvider({
    id,
    ...(claims === undefined ? {} : { claims: (model: string) => claims.test(model) }),
    request,
    errorInfo: openAIErrorInfo,
    chat: 'passthrough',
    ...('completions' in preset && preset.completions ? { completions: 'passthrough' as const } : {}),
    ...('embeddings' in preset && preset.embeddings ? { embeddings: 'passthrough' as const } : {}),
    models: 'passthrough',
    forwards: (options.responses ?? ('responses' in preset && preset.responses === true)) ? withResponses : openAIForwards,
  });

  return {
    name: id === 'openai' ? 'provider-openai' : `provider-${id}`,
    setup(gateway) {
      gateway.providers.register(adapter);
    },
  };
});

export { presets, type PresetName } from './presets.ts';
