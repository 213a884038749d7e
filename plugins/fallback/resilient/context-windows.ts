/**
 * Context windows (prompt + completion tokens) of common models, from the providers' model
 * pages. A dated version matches its longest prefix. A deployment's `contextWindow` or the
 * plugin's `contextWindows` option overrides this table.
 */
export const defaultContextWindows: Readonly<Record<string, number>> = Object.freeze({
  'gpt-4o': 128_000,
  'gpt-4o-mini': 128_000,
  'gpt-4.1': 1_047_576,
  'gpt-4-turbo': 128_000,
  'gpt-4': 8_192,
  'gpt-3.5-turbo': 16_385,
  'o1': 200_000,
  'o3': 200_000,
  'o3-mini': 200_000,
  'o4-mini': 200_000,
  'claude-3': 200_000,
  'claude-sonnet-4': 200_000,
  'claude-opus-4': 200_000,
  'gemini-1.5-pro': 2_097_152,
  'gemini-1.5-flash': 1_048_576,
  'gemini-2.0-flash': 1_048_576,
  'gemini-2.5': 1_048_576,
  'deepseek-chat': 65_536,
  'mistral-large': 131_072,
  'llama-3.1-8b-instant': 131_072,
  'llama-3.3-70b-versatile': 131_072,
});

/** The window of an upstream model: exact name, else the longest matching prefix. */
export function contextWindowOf(table: Readonly<Record<string, number>>, model: string): number | undefined {
  const exact = table[model];
  if (exact !== undefined) return exact;
  let best: string | undefined;
  for (const key in table) if (model.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  return best === undefined ? undefined : table[best];
}
