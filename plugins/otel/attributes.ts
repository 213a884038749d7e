import { cutEcho, isForwardOperation, tokenParts, type Attempt, type FinalResult, type RequestContext, type Usage } from 'switchyard';
import type { Attributes } from '@opentelemetry/api';

/** OTel GenAI operation names (`gen_ai.operation.name`) of the gateway's operations. */
const operationNames: Readonly<Record<string, string>> = { chat: 'chat', completions: 'text_completion', embeddings: 'embeddings' };

/**
 * The GenAI name of a model-call operation, or undefined for anything else. Forwarded calls
 * (`images`, `speech`, `transcriptions`, `moderations`, `rerank`) and token counts have no OTel
 * name: they go by the gateway's own, as the metrics plugin labels them.
 */
export function genAiOperation(operation: RequestContext['operation']): string | undefined {
  return operationNames[operation] ?? (operation === 'count_tokens' || isForwardOperation(operation) ? operation : undefined);
}

/**
 * Our provider ids under their well-known `gen_ai.provider.name` values; any other id (an
 * OpenAI-compatible preset, a custom `id`) is reported as it is.
 */
const providerNames: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  bedrock: 'aws.bedrock',
  azure: 'azure.ai.openai',
  gemini: 'gcp.gemini',
  vertex: 'gcp.vertex_ai',
  cohere: 'cohere',
  groq: 'groq',
  mistral: 'mistral_ai',
  deepseek: 'deepseek',
  perplexity: 'perplexity',
  xai: 'x_ai',
};

export function genAiProvider(provider: string): string {
  return providerNames[provider] ?? provider;
}

/**
 * What one upstream attempt was: the model sent upstream, the deployment, its place in the
 * request, and when it failed: `error.type` (the upstream's status, `500`, or without an answer
 * the gateway's error code, `upstream_timeout`), the upstream's `http.response.status_code`,
 * `switchyard.error_code` (the gateway's code) and `switchyard.error_status` (the status the
 * gateway gives that failure). No URL, header or key: only the upstream's host and port.
 */
export function attemptAttributes(operation: string, attempt: Attempt, index: number): Attributes {
  const { deployment } = attempt;
  const attributes: Attributes = {
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': genAiProvider(deployment.provider),
    'gen_ai.request.model': cutEcho(deployment.model),
    'switchyard.attempt': index + 1,
    'switchyard.deployment': cutEcho(deployment.id),
  };
  const server = serverOf(deployment.baseURL);
  if (server !== undefined) {
    attributes['server.address'] = server.address;
    if (server.port !== undefined) attributes['server.port'] = server.port;
  }
  if (attempt.outcome === 'ok') attributes['http.response.status_code'] = attempt.status;
  else {
    // OTel's HTTP client rule: a failure the upstream answered is typed by its status ('500');
    // one without an answer (a timeout, a refused connection) by the gateway's error code.
    const upstream = attempt.upstreamStatus;
    if (upstream !== undefined) attributes['http.response.status_code'] = upstream;
    attributes['error.type'] = upstream !== undefined ? String(upstream) : (attempt.error ?? String(attempt.status));
    if (attempt.error !== undefined) attributes['switchyard.error_code'] = attempt.error;
    attributes['switchyard.error_status'] = attempt.status;
  }
  return attributes;
}

function serverOf(baseURL: string | undefined): { address: string; port: number | undefined } | undefined {
  if (baseURL === undefined) return undefined;
  try {
    const url = new URL(baseURL);
    return { address: url.hostname, port: url.port === '' ? undefined : Number(url.port) };
  } catch {
    return undefined;
  }
}

/** Token counts in OTel's meaning: input includes cache reads and writes, output includes reasoning. */
export function usageAttributes(usage: Usage): Attributes {
  const parts = tokenParts(usage);
  const attributes: Attributes = {
    'gen_ai.usage.input_tokens': parts.input + parts.cacheRead + parts.cacheWrite,
    'gen_ai.usage.output_tokens': parts.output + parts.reasoning,
    'gen_ai.usage.cache_read.input_tokens': parts.cacheRead,
    'gen_ai.usage.reasoning.output_tokens': parts.reasoning,
  };
  if (parts.cacheWrite > 0) attributes['gen_ai.usage.cache_creation.input_tokens'] = parts.cacheWrite;
  return attributes;
}

interface ResultFields {
  readonly id?: unknown;
  readonly model?: unknown;
  readonly choices?: readonly { readonly finish_reason?: unknown }[];
}

/** The answer's id, model and finish reasons (embeddings have only a model). */
export function responseAttributes(result: FinalResult): Attributes {
  const fields = result as ResultFields;
  const attributes: Attributes = {};
  if (typeof fields.id === 'string') attributes['gen_ai.response.id'] = cutEcho(fields.id);
  if (typeof fields.model === 'string') attributes['gen_ai.response.model'] = cutEcho(fields.model);
  if (Array.isArray(fields.choices)) {
    const reasons = fields.choices.map((c) => c.finish_reason).filter((r): r is string => typeof r === 'string');
    if (reasons.length > 0) attributes['gen_ai.response.finish_reasons'] = reasons;
  }
  return attributes;
}
