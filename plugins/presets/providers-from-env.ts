import type { Plugin } from 'switchyard';
import anthropic from '../providers/anthropic/index.ts';
import azure from '../providers/azure/index.ts';
import bedrock, { bedrockOptionsFromEnv } from '../providers/bedrock/index.ts';
import cohere from '../providers/cohere/index.ts';
import gemini from '../providers/gemini/index.ts';
import openai, { presets, type PresetName } from '../providers/openai/index.ts';

export type Env = Readonly<Record<string, string | undefined>>;

const set = (value: string | undefined): value is string => value !== undefined && value !== '';

/** An OpenAI-compatible preset is enabled by its key, or, for local servers, by its base URL. */
function openAICompatible(env: Env): Plugin[] {
  const out: Plugin[] = [];
  for (const name of Object.keys(presets) as PresetName[]) {
    const preset = presets[name];
    const apiKey = 'apiKeyEnv' in preset ? env[preset.apiKeyEnv] : undefined;
    const baseURL = env[preset.baseURLEnv];
    const local = 'local' in preset && preset.local;
    if (!set(apiKey) && !(local && set(baseURL))) continue;
    out.push(openai({ preset: name, ...(set(apiKey) ? { apiKey } : {}), ...(set(baseURL) ? { baseURL } : {}) }));
  }
  return out;
}

/** Gemini (AI Studio) is enabled by `GEMINI_API_KEY`; `GEMINI_BASE_URL` overrides its endpoint. */
function geminiFromEnv(env: Env): Plugin[] {
  const apiKey = env.GEMINI_API_KEY;
  const baseURL = env.GEMINI_BASE_URL;
  if (!set(apiKey)) return [];
  return [gemini({ apiKey, ...(set(baseURL) ? { baseURL } : {}) })];
}

/** Anthropic, enabled by `ANTHROPIC_API_KEY` (`ANTHROPIC_BASE_URL` as in the official SDK). */
function anthropicFromEnv(env: Env): Plugin[] {
  const apiKey = env.ANTHROPIC_API_KEY;
  const baseURL = env.ANTHROPIC_BASE_URL;
  if (!set(apiKey)) return [];
  return [anthropic({ apiKey, ...(set(baseURL) ? { baseURL } : {}) })];
}

/** Azure OpenAI needs both its key and its resource endpoint. */
function azureFromEnv(env: Env): Plugin[] {
  const apiKey = env.AZURE_OPENAI_API_KEY;
  const endpoint = env.AZURE_OPENAI_ENDPOINT;
  if (!set(apiKey) || !set(endpoint)) return [];
  const apiVersion = env.AZURE_OPENAI_API_VERSION;
  return [azure({ apiKey, endpoint, ...(set(apiVersion) ? { apiVersion } : {}) })];
}

/** Cohere v2, enabled by `COHERE_API_KEY`; `COHERE_BASE_URL` is the API root (no path). */
function cohereFromEnv(env: Env): Plugin[] {
  const apiKey = env.COHERE_API_KEY;
  if (!set(apiKey)) return [];
  const baseURL = env.COHERE_BASE_URL;
  return [cohere({ apiKey, ...(set(baseURL) ? { baseURL } : {}) })];
}

/** Bedrock, when AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set (region: AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1). */
function bedrockFromEnv(env: Env): Plugin[] {
  const options = bedrockOptionsFromEnv(env);
  return options === undefined ? [] : [bedrock(options)];
}

/**
 * Every provider plugin whose credentials are in the environment. Each entry reads its own
 * variables (named as in the provider's SDK) and returns nothing when they are absent.
 * Provider plugins with their own wire format add an entry here.
 */
export const providerSources: ((env: Env) => Plugin[])[] = [
  // Gemini before OpenAI: OpenAI's naming rule (`text-embedding-*`) would otherwise claim `text-embedding-004`.
  geminiFromEnv,
  openAICompatible,
  anthropicFromEnv,
  bedrockFromEnv,
  azureFromEnv,
  cohereFromEnv,
];

export function providersFromEnv(env: Env): Plugin[] {
  return providerSources.flatMap((source) => source(env));
}
