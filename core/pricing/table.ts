import type { Price, PriceTable } from './types.ts';

/** The day the shipped prices were last checked against their sources. */
export const pricesAsOf = '2026-11-24';

/** A block of the shipped table, with where its figures come from. */
export interface PriceFamily {
  readonly family: string;
  /** Where the figures were read (pages as stored copies; none was fetched live). */
  readonly source: string;
  /** False when the figures could not be matched to the provider's own page. */
  readonly verified: boolean;
  /** The day this family was checked, when not `pricesAsOf`. */
  readonly asOf?: string;
  readonly prices: Readonly<Record<string, Price>>;
}

/**
 * List prices: standard tier, no batch/flex/priority discount, short-prompt tier where a provider
 * charges more for long prompts. Keys are upstream model names (see `priceOf` for dated and
 * provider-specific names). Entries marked UNVERIFIED inside a verified family are the
 * exceptions named on them.
 */
export const priceFamilies: readonly PriceFamily[] = Object.freeze<PriceFamily[]>([
  {
    family: 'openai',
    source:
      'developers.openai.com/api/docs/pricing, read through pydantic/genai-prices (prices/providers/openai.yml, commit 47df840, 2026-08-21, which cites that page); cached-input figures for gpt-4o/gpt-4o-mini/o1 also on community.openai.com and GitHub\'s Copilot pricing table. OpenAI bills cache writes as plain input.',
    verified: true,
    prices: {
      'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
      'gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
      'gpt-4.1': { input: 2, output: 8, cachedInput: 0.5 },
      'gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
      'gpt-4.1-nano': { input: 0.1, output: 0.4, cachedInput: 0.025 },
      'gpt-4-turbo': { input: 10, output: 30 },
      'gpt-4': { input: 30, output: 60 },
      'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
      'o1': { input: 15, output: 60, cachedInput: 7.5 },
      'o1-mini': { input: 1.1, output: 4.4, cachedInput: 0.55 },
      'o3': { input: 2, output: 8, cachedInput: 0.5 }, // since the 2025-06-10 price cut (was 10 / 40)
      'o3-pro': { input: 20, output: 80 },
      'o3-mini': { input: 1.1, output: 4.4, cachedInput: 0.55 },
      'o4-mini': { input: 1.1, output: 4.4, cachedInput: 0.275 },
      'text-embedding-3-small': { input: 0.02, output: 0 },
      'text-embedding-3-large': { input: 0.13, output: 0 },
      'text-embedding-ada-002': { input: 0.1, output: 0 },
    },
  },
  {
    family: 'anthropic',
    source:
      'platform.claude.com/docs/en/about-claude/pricing ("Model pricing" table, copy listing models up to Claude Opus 5) and its earlier copy docs.anthropic.com/en/docs/about-claude/pricing. cachedInput = "Cache hits & refreshes"; cacheWrite = "5m cache writes" (1.25 × input, except the published 0.30 of Claude 3 Haiku; 1-hour writes, 2 × input, are priced as 5-minute ones). The same figures apply to Claude on Bedrock and Vertex AI.',
    verified: true,
    prices: {
      'claude-3-haiku': { input: 0.25, output: 1.25, cachedInput: 0.03, cacheWrite: 0.3 },
      'claude-3-opus': { input: 15, output: 75, cachedInput: 1.5, cacheWrite: 18.75 },
      'claude-3-5-haiku': { input: 0.8, output: 4, cachedInput: 0.08, cacheWrite: 1 },
      'claude-3-5-sonnet': { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
      'claude-3-7-sonnet': { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
      'claude-sonnet-4': { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 }, // 4, 4.5, 4.6 (≤ 200k-token prompts)
      'claude-haiku-4-5': { input: 1, output: 5, cachedInput: 0.1, cacheWrite: 1.25 },
      'claude-opus-4': { input: 15, output: 75, cachedInput: 1.5, cacheWrite: 18.75 }, // 4 and 4.1
      // Opus 4.5 and later cost less than Opus 4 / 4.1, so each needs its own key.
      'claude-opus-4-5': { input: 5, output: 25, cachedInput: 0.5, cacheWrite: 6.25 },
      'claude-opus-4-6': { input: 5, output: 25, cachedInput: 0.5, cacheWrite: 6.25 },
      'claude-opus-4-7': { input: 5, output: 25, cachedInput: 0.5, cacheWrite: 6.25 },
      'claude-opus-4-8': { input: 5, output: 25, cachedInput: 0.5, cacheWrite: 6.25 },
    },
  },
  {
    family: 'gemini',
    source:
      'ai.google.dev/gemini-api/docs/pricing ("Gemini Developer API Pricing", paid tier, prompts ≤ 200k tokens; 1.5 models ≤ 128k): 2.5 Pro as quoted from that page on discuss.ai.google.dev, the rest through pydantic/genai-prices prices/providers/google.yml (commit 47df840). cachedInput = context caching price (storage per hour not included); output includes thinking tokens. 1.5 models are retired on the Gemini API: last published prices.',
    verified: true,
    prices: {
      'gemini-2.5-pro': { input: 1.25, output: 10, cachedInput: 0.125 },
      'gemini-2.5-flash': { input: 0.3, output: 2.5, cachedInput: 0.03 },
      'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cachedInput: 0.01 },
      'gemini-2.0-flash': { input: 0.1, output: 0.4, cachedInput: 0.025 },
      'gemini-2.0-flash-lite': { input: 0.075, output: 0.3 },
      'gemini-1.5-pro': { input: 1.25, output: 5 },
      'gemini-1.5-flash': { input: 0.075, output: 0.3, cachedInput: 0.01875 },
    },
  },
  {
    family: 'deepseek',
    source:
      'UNVERIFIED: the stored copy of api-docs.deepseek.com/quick_start/pricing is older (V3/R1: chat 0.27 / 1.10 / 0.07, reasoner 0.55 / 2.19 / 0.14). These are the V3.2 prices (both names, one price) as RooCodeInc/Roo-Code\'s provider table gives them (updated 2025-12-09).',
    verified: false,
    prices: {
      'deepseek-chat': { input: 0.28, output: 0.42, cachedInput: 0.028 },
      'deepseek-reasoner': { input: 0.28, output: 0.42, cachedInput: 0.028 },
    },
  },
  {
    family: 'mistral',
    source:
      'UNVERIFIED: mistral.ai/pricing was not in the stored pages; figures from pydantic/genai-prices (mistral.yml). `-latest` aliases move to newer models, and prices with them.',
    verified: false,
    prices: {
      'mistral-large-2411': { input: 2, output: 6 },
      'mistral-large-2512': { input: 0.5, output: 1.5, cachedInput: 0.05 },
      'mistral-large-latest': { input: 0.5, output: 1.5, cachedInput: 0.05 }, // → mistral-large-2512 (Large 3)
      'mistral-small-latest': { input: 0.1, output: 0.3 },
    },
  },
  {
    family: 'cohere',
    source:
      'UNVERIFIED on cohere.com/pricing itself; figures from pydantic/genai-prices (cohere.yml, which cites that page). embed v3.0 entries are in no source found.',
    verified: false,
    prices: {
      'command-a': { input: 2.5, output: 10 },
      'command-r-plus': { input: 2.5, output: 10 },
      'command-r': { input: 0.15, output: 0.6 },
      'command-r7b': { input: 0.0375, output: 0.15 },
      'embed-v4.0': { input: 0.12, output: 0 },
      'embed-english-v3.0': { input: 0.1, output: 0 },
      'embed-multilingual-v3.0': { input: 0.1, output: 0 },
    },
  },
  {
    family: 'openai-images',
    source:
      'developers.openai.com/api/docs/pricing ("Image generation"), through LiteLLM\'s model_prices_and_context_window.json (BerriAI/litellm; per-pixel figures × pixels give these per-image prices to the cent). dall-e-3: size alone = standard quality, `hd/size` = HD; dall-e-2 has one quality. gpt-image-1 is billed by tokens (text input 5, cached 1.25, image input 10, image output 40 per M; from memory of the same page, UNVERIFIED against a stored copy): priced from the answer\'s `usage`, never per image.',
    verified: false,
    asOf: '2026-12-05',
    prices: {
      'dall-e-3': { perImage: { '1024x1024': 0.04, '1024x1792': 0.08, '1792x1024': 0.08, 'hd/1024x1024': 0.08, 'hd/1024x1792': 0.12, 'hd/1792x1024': 0.12 } },
      'dall-e-2': { perImage: { '1024x1024': 0.02, '512x512': 0.018, '256x256': 0.016 } },
      'gpt-image-1': { input: 5, cachedInput: 1.25, imageInput: 10, output: 40 },
      // UNVERIFIED (from memory: "80% cheaper"); its own key, else the name would match gpt-image-1's price.
      'gpt-image-1-mini': { input: 2, cachedInput: 0.2, imageInput: 2.5, output: 8 },
    },
  },
  {
    family: 'openai-audio',
    source:
      'developers.openai.com/api/docs/models/tts-1 (stored copy: "Speech generation, Cost / 1M characters $15.00", TTS-1 HD $30.00); whisper-1 $0.006 per minute, billed by the second (openrouter.ai/openai/whisper-1 quoting OpenAI; LiteLLM: 0.0001 per second). gpt-4o-mini-tts (billed by audio output tokens, which a speech answer does not report) and gpt-4o-transcribe / gpt-4o-mini-transcribe (token-billed) are not priced here.',
    verified: true,
    asOf: '2026-12-05',
    prices: {
      'tts-1': { perMillionCharacters: 15 },
      'tts-1-hd': { perMillionCharacters: 30 },
      'whisper-1': { perMinute: 0.006 }, // UNVERIFIED on OpenAI's own page (the figure every copy quotes)
    },
  },
  {
    family: 'openai-moderation',
    source:
      'UNVERIFIED against a stored copy: developers.openai.com/api/docs/guides/moderation says the moderation endpoint is free to use. $0 here is a real price, not an unknown one.',
    verified: false,
    asOf: '2026-12-05',
    prices: {
      'omni-moderation': { perRequest: 0 },
      'text-moderation': { perRequest: 0 },
    },
  },
  {
    family: 'cohere-rerank',
    source:
      'cohere.com/pricing: Rerank $2.00 per 1,000 searches (a search: one query over up to 100 documents), through LiteLLM\'s table (rerank-v3.5, rerank-english-v3.0, rerank-multilingual-v3.0: 0.002 per query). UNVERIFIED on Cohere\'s page itself; older rerank v2 models are left out.',
    verified: false,
    asOf: '2026-12-05',
    prices: {
      'rerank-v3.5': { perSearch: 0.002 },
      'rerank-english-v3.0': { perSearch: 0.002 },
      'rerank-multilingual-v3.0': { perSearch: 0.002 },
    },
  },
  {
    family: 'gemini-images',
    source:
      'UNVERIFIED against a stored copy: ai.google.dev/gemini-api/docs/pricing (paid tier) as quoted from that page in a discuss.ai.google.dev thread and by third-party pricing guides: Imagen 4 Fast $0.02, Imagen 4 Standard $0.04, Imagen 4 Ultra $0.06, Imagen 3 $0.03 per image, whatever the aspect ratio.',
    verified: false,
    asOf: '2026-12-08',
    prices: {
      'imagen-4.0-fast-generate': { perImage: 0.02 },
      'imagen-4.0-generate': { perImage: 0.04 },
      'imagen-4.0-ultra-generate': { perImage: 0.06 },
      'imagen-3.0-generate': { perImage: 0.03 },
    },
  },
  {
    family: 'bedrock-images',
    source:
      'UNVERIFIED: aws.amazon.com/bedrock/pricing was stored without its price tables. Nova Canvas from memory of that page ($0.04 standard / $0.06 premium up to 1024x1024, $0.06 / $0.08 up to 2048x2048); Titan Image Generator ($0.008 / $0.01 at 512x512, $0.01 / $0.012 at 1024x1024) as a third-party AWS guide quotes its low end, the rest from memory. Keys are the client\'s words: `hd` asks for `premium`. Sizes not listed cost an unknown amount (null).',
    verified: false,
    asOf: '2026-12-08',
    prices: {
      'amazon.nova-canvas-v1': {
        perImage: {
          '512x512': 0.04,
          '1024x1024': 0.04,
          'hd/512x512': 0.06,
          'hd/1024x1024': 0.06,
          '1024x1536': 0.06,
          '1536x1024': 0.06,
          '1024x1792': 0.06,
          '1792x1024': 0.06,
          '2048x2048': 0.06,
          'hd/1024x1536': 0.08,
          'hd/1536x1024': 0.08,
          'hd/1024x1792': 0.08,
          'hd/1792x1024': 0.08,
          'hd/2048x2048': 0.08,
        },
      },
      'amazon.titan-image-generator-v1': { perImage: { '512x512': 0.008, 'hd/512x512': 0.01, '1024x1024': 0.01, 'hd/1024x1024': 0.012 } },
      'amazon.titan-image-generator-v2': { perImage: { '512x512': 0.008, 'hd/512x512': 0.01, '1024x1024': 0.01, 'hd/1024x1024': 0.012 } },
    },
  },
  {
    family: 'bedrock-rerank',
    source:
      'UNVERIFIED on aws.amazon.com/bedrock/pricing (stored without its tables): Cohere Rerank 3.5 on Bedrock at $2.00 per 1,000 queries of up to 100 documents, as AWS users quote it (the same as Cohere\'s own price).',
    verified: false,
    asOf: '2026-12-08',
    prices: {
      'cohere.rerank-v3-5': { perSearch: 0.002 },
    },
  },
  {
    family: 'bedrock-embeddings',
    source:
      'Amazon Bedrock on-demand, us-east-1. aws.amazon.com/bedrock/pricing was stored without its price tables; titan v1 from pydantic/genai-prices (aws.yml), the others UNVERIFIED.',
    verified: false,
    prices: {
      'amazon.titan-embed-text-v1': { input: 0.1, output: 0 },
      'amazon.titan-embed-text-v2': { input: 0.02, output: 0 },
      'cohere.embed-english-v3': { input: 0.1, output: 0 },
      'cohere.embed-multilingual-v3': { input: 0.1, output: 0 },
    },
  },
  {
    family: 'groq',
    source: 'UNVERIFIED on groq.com/pricing (not stored); figures from pydantic/genai-prices groq.yml.',
    verified: false,
    prices: {
      'llama-3.1-8b-instant': { input: 0.05, output: 0.08 },
      'llama-3.3-70b-versatile': { input: 0.59, output: 0.79 },
    },
  },
]);

/** Every shipped price by model name, the families merged (a name appears in one family only). */
export const shippedPrices: PriceTable = Object.freeze(Object.assign({}, ...priceFamilies.map((f) => f.prices)) as Record<string, Price>);
