/**
 * Context windows (prompt + completion tokens) of common models. A dated version matches its
 * longest prefix. A deployment's `contextWindow` or the plugin's `contextWindows` option
 * overrides this table. Too small a figure only sends long prompts to the context-window
 * fallbacks early; too large a one lets the call fail and fall back then.
 *
 * Checked 2026-11-24 against stored copies (none fetched live). No provider's own model page
 * was among them, so the figures rest on secondary sources that agree with each other:
 * - pydantic/genai-prices (prices/providers/*.yml, commit 47df840, 2026-08-21; each file cites the
 *   provider's pricing/model pages): gpt-4o 128,000, gpt-4-turbo 128,000, gpt-4 8,192,
 *   gpt-3.5-turbo 16,385, o1-mini 128,000, Claude 3.x / Sonnet 4 / Opus 4, 4.1, 4.5 / Haiku 4.5 200,000,
 *   Gemini 1.5/2.0/2.5 about 1M.
 * - Model catalogues quoting OpenAI's model pages (typingmind, gptget): gpt-4.1 family 1,047,576.
 * - OpenAI o-series 200,000, Gemini 1,048,576 / 2,097,152 (1.5 Pro) as the exact limits: from
 *   memory, consistent with the above; not seen on the providers' pages here.
 * Entries marked UNVERIFIED rest on one third-party page or on memory alone.
 */
export const defaultContextWindows: Readonly<Record<string, number>> = Object.freeze({
  'gpt-4o': 128_000,
  'gpt-4o-mini': 128_000,
  'gpt-4.1': 1_047_576, // gpt-4.1, gpt-4.1-mini, gpt-4.1-nano
  'gpt-4-turbo': 128_000,
  'gpt-4': 8_192,
  'gpt-3.5-turbo': 16_385,
  'o1': 200_000, // UNVERIFIED (genai-prices says 128,000, o1-preview's window; o1 itself is 200K from memory)
  'o1-mini': 128_000,
  'o3': 200_000, // UNVERIFIED, as o3-mini and o4-mini (memory)
  'o3-mini': 200_000,
  'o4-mini': 200_000,
  'claude-3': 200_000, // 3, 3.5, 3.7
  'claude-sonnet-4': 200_000, // 4, 4.5, 4.6 without the 1M beta
  'claude-haiku-4': 200_000,
  'claude-opus-4': 200_000, // UNVERIFIED for Opus 4.6 and later, which may default to a 1M window
  'gemini-1.5-pro': 2_097_152,
  'gemini-1.5-flash': 1_048_576,
  'gemini-2.0-flash': 1_048_576,
  'gemini-2.5': 1_048_576, // pro, flash, flash-lite
  // UNVERIFIED: the stored api-docs.deepseek.com pricing copy says 64K (V3/R1); the V3.2 models
  // behind these names take 128K according to RooCodeInc/Roo-Code's provider table (2025-12-09).
  'deepseek-chat': 128_000,
  'deepseek-reasoner': 128_000,
  'mistral-large': 131_072, // UNVERIFIED (Mistral Large 2; Large 3 may be larger)
  'command-r': 128_000, // command-r and command-r-plus: 128K per Microsoft's Azure AI model docs
  'command-a': 256_000, // UNVERIFIED
  'llama-3.1-8b-instant': 131_072, // UNVERIFIED (Groq)
  'llama-3.3-70b-versatile': 131_072, // UNVERIFIED (Groq)
});

/** The window of an upstream model: exact name, else the longest matching prefix. */
export function contextWindowOf(table: Readonly<Record<string, number>>, model: string): number | undefined {
  const exact = table[model];
  if (exact !== undefined) return exact;
  let best: string | undefined;
  for (const key in table) if (model.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  return best === undefined ? undefined : table[best];
}
