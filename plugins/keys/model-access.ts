/**
 * Which models a key may call, as LiteLLM decides it: an empty list allows every model; `*`
 * allows every model; a pattern ending in `*` (`openai/*`, `gpt-4o*`) allows names starting with
 * what precedes it; any other entry is an exact name. A key's models are intersected with its
 * team's: a model must pass both lists. `all-team-models` on a key means "what the team allows".
 */
export function allowsModel(patterns: readonly string[], model: string): boolean {
  if (patterns.length === 0) return true;
  for (const p of patterns) {
    if (p === '*' || p === 'all-team-models' || p === model) return true;
    if (p.endsWith('*') && model.startsWith(p.slice(0, -1))) return true;
  }
  return false;
}

/** The key's list and its team's (absent without a team) both allow `model`. */
export function keyAllowsModel(keyModels: readonly string[], teamModels: readonly string[] | undefined, model: string): boolean {
  return allowsModel(keyModels, model) && (teamModels === undefined || allowsModel(teamModels, model));
}
