/**
 * OpenAI-compatible servers: where each lives, which environment variables the default preset
 * reads for it, and which bare model names it claims. Data only; the adapter is the same for all.
 */
export interface OpenAICompatiblePreset {
  /** Public endpoint, including the `/v1`-style prefix the server expects. */
  readonly baseURL: string;
  /** Environment variable holding the key (none for local servers). */
  readonly apiKeyEnv?: string;
  readonly baseURLEnv: string;
  /** Bare model names this provider answers in the default preset's naming rules. */
  readonly claims?: RegExp;
  /** Local servers run without a key; the preset enables them only when their base URL is set. */
  readonly local?: boolean;
  /** The server has the legacy `/completions` endpoint. */
  readonly completions?: boolean;
  readonly embeddings?: boolean;
  /** The server has OpenAI's Responses API (`/responses`): Responses calls pass through natively. */
  readonly responses?: boolean;
}

export const presets = {
  openai: {
    baseURL: 'https://api.openai.com/v1',
    apiKeyEnv: 'OPENAI_API_KEY',
    baseURLEnv: 'OPENAI_BASE_URL',
    // OpenAI's embedding names only (`text-embedding-3-*`, `-ada-002`): Google's `text-embedding-004`
    // belongs to Gemini, whatever order the providers were registered in.
    // `gpt-image-*` is among `gpt-`; `dall-e-*`, `tts-*` and `whisper-*` are the images and audio models.
    claims: /^(gpt-|chatgpt-|o\d|text-embedding-(3-|ada-)|davinci|babbage|omni-moderation|text-moderation|dall-e-|tts-|whisper-)/,
    completions: true,
    embeddings: true,
    responses: true,
  },
  mistral: {
    baseURL: 'https://api.mistral.ai/v1',
    apiKeyEnv: 'MISTRAL_API_KEY',
    baseURLEnv: 'MISTRAL_BASE_URL',
    claims: /^(mistral-|open-mistral|open-mixtral|codestral|pixtral|ministral|magistral|devstral)/,
    embeddings: true,
  },
  groq: {
    baseURL: 'https://api.groq.com/openai/v1',
    apiKeyEnv: 'GROQ_API_KEY',
    baseURLEnv: 'GROQ_BASE_URL',
  },
  deepseek: {
    baseURL: 'https://api.deepseek.com/v1',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    baseURLEnv: 'DEEPSEEK_BASE_URL',
    claims: /^deepseek-/,
    completions: true,
  },
  openrouter: {
    baseURL: 'https://openrouter.ai/api/v1',
    apiKeyEnv: 'OPENROUTER_API_KEY',
    baseURLEnv: 'OPENROUTER_BASE_URL',
    completions: true,
  },
  together: {
    baseURL: 'https://api.together.xyz/v1',
    apiKeyEnv: 'TOGETHER_API_KEY',
    baseURLEnv: 'TOGETHER_BASE_URL',
    completions: true,
    embeddings: true,
  },
  xai: {
    baseURL: 'https://api.x.ai/v1',
    apiKeyEnv: 'XAI_API_KEY',
    baseURLEnv: 'XAI_BASE_URL',
    claims: /^grok-/,
  },
  fireworks: {
    baseURL: 'https://api.fireworks.ai/inference/v1',
    apiKeyEnv: 'FIREWORKS_API_KEY',
    baseURLEnv: 'FIREWORKS_BASE_URL',
    claims: /^accounts\/fireworks\//,
    completions: true,
    embeddings: true,
  },
  ollama: {
    baseURL: 'http://127.0.0.1:11434/v1',
    baseURLEnv: 'OLLAMA_BASE_URL',
    local: true,
    completions: true,
    embeddings: true,
  },
  vllm: {
    baseURL: 'http://127.0.0.1:8000/v1',
    apiKeyEnv: 'VLLM_API_KEY',
    baseURLEnv: 'VLLM_BASE_URL',
    local: true,
    completions: true,
    embeddings: true,
  },
  lmstudio: {
    baseURL: 'http://127.0.0.1:1234/v1',
    baseURLEnv: 'LMSTUDIO_BASE_URL',
    local: true,
    completions: true,
    embeddings: true,
  },
} as const satisfies Record<string, OpenAICompatiblePreset>;

export type PresetName = keyof typeof presets;

/**
 * Ollama documents its base URL without `/v1` (`OLLAMA_BASE_URL=http://host:11434`, as its own
 * clients use it); its OpenAI-compatible API lives under `/v1`.
 */
export function normaliseBaseURL(preset: PresetName, baseURL: string): string {
  const trimmed = baseURL.replace(/\/+$/, '');
  if (preset === 'ollama' && !/\/v1$/.test(trimmed)) return `${trimmed}/v1`;
  return trimmed;
}
