import type { Plugin } from 'switchyard';
import azure from '../providers/azure/index.ts';
import cohere from '../providers/cohere/index.ts';
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

/** Azure OpenAI needs both its key and its resource endpoint. */
function azureFromEnv(env: Env): Plugin[] {
  const apiKey = env.AZURE_OPENAI_API_KEY;
  const endpoint = env.AZURE_OPENAI_ENDPOINT;
  if (!set(apiKey) || !set(endpoint)) return [];
  const apiVersion = env.AZURE_OPENAI_API_VERSION;
  return [azure({ apiKey, endpoint, ...(set(apiVersion) ? { apiVersion } : {}) })];
}

function cohereFromEnv(env: Env): Plugin[] {
  const apiKey = env.COHERE_API_KEY;
  if (!set(apiKey)) return [];
  const baseURL = env.COHERE_BASE_URL;
  return [cohere({ apiKey, ...(set(baseURL) ? { baseURL } : {}) })];
}

/**
 * Every provider plugin whose credentials are in the environment. Each entry reads its own
 * variables (named as in the provider's SDK) and returns nothing when they are absent.
 * Provider plugins with their own wire format add an entry here.
 */
export const providerSources: ((env: Env) => Plugin[])[] = [openAICompatible, azureFromEnv, cohereFromEnv];

export function providersFromEnv(env: Env): Plugin[] {
  return providerSources.flatMap((source) => source(env));
}
