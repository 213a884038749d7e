import type { ModelGroup } from 'switchyard';
import type { Env } from './providers-from-env.ts';

/** One undated name and where it goes: the provider's current id for it. */
export interface ModelAlias {
  readonly provider: 'anthropic' | 'gemini' | 'openai';
  readonly model: string;
}

/**
 * Undated names clients commonly send, mapped to the provider's current id. Anthropic's API knows
 * only dated ids and `-latest` aliases, so `claude-3-5-sonnet` through an OpenAI client would fail
 * upstream as is. OpenAI's undated names (`gpt-4o`, `gpt-4.1`…) are already its API ids and route
 * by provider naming; only names the API does not know are listed for it.
 *
 * Override any entry (or remove it with
 * `null`) through `defaultConfig(env, { modelAliases })` or `modelAliasGroups(env, overrides)`.
 */
export const modelAliases = Object.freeze({
  // The ids as the providers documented them on this date (not re-checked since): retired models
  // still map to their own id, so the provider's answer says so rather than another model answering.
  asOf: '2026-01-01',
  models: Object.freeze<Record<string, ModelAlias>>({
    'claude-3-haiku': { provider: 'anthropic', model: 'claude-3-haiku-20240307' },
    'claude-3-opus': { provider: 'anthropic', model: 'claude-3-opus-20240229' },
    'claude-3-5-haiku': { provider: 'anthropic', model: 'claude-3-5-haiku-20241022' },
    'claude-3.5-haiku': { provider: 'anthropic', model: 'claude-3-5-haiku-20241022' },
    'claude-3-5-sonnet': { provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' },
    'claude-3.5-sonnet': { provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' },
    'claude-3-7-sonnet': { provider: 'anthropic', model: 'claude-3-7-sonnet-20250219' },
    'claude-3.7-sonnet': { provider: 'anthropic', model: 'claude-3-7-sonnet-20250219' },
    'claude-sonnet-4': { provider: 'anthropic', model: 'claude-sonnet-4-20250514' },
    'claude-opus-4': { provider: 'anthropic', model: 'claude-opus-4-20250514' },
    'claude-opus-4-1': { provider: 'anthropic', model: 'claude-opus-4-1-20250805' },
    'claude-sonnet-4-5': { provider: 'anthropic', model: 'claude-sonnet-4-5-20250929' },
    'claude-haiku-4-5': { provider: 'anthropic', model: 'claude-haiku-4-5-20251001' },
    'claude-opus-4-5': { provider: 'anthropic', model: 'claude-opus-4-5-20251101' },
    'gemini-pro': { provider: 'gemini', model: 'gemini-2.5-pro' },
    'gemini-flash': { provider: 'gemini', model: 'gemini-2.5-flash' },
    'gemini-flash-lite': { provider: 'gemini', model: 'gemini-2.5-flash-lite' },
    'gpt-3.5': { provider: 'openai', model: 'gpt-3.5-turbo' },
    'gpt-4o-latest': { provider: 'openai', model: 'chatgpt-4o-latest' },
  }),
});

/** Entries to replace (a provider and id) or to drop (`null`). */
export type ModelAliasOverrides = Readonly<Record<string, ModelAlias | null>>;

/** The credential that enables each provider in the default preset (see providers-from-env.ts). */
const enabledBy: Readonly<Record<ModelAlias['provider'], string>> = {
  anthropic: 'ANTHROPIC_API_KEY',
  gemini: 'GEMINI_API_KEY',
  openai: 'OPENAI_API_KEY',
};

/**
 * The alias table as model groups, one per name whose provider is enabled in `env`: groups are
 * what the router serves, `/v1/models` lists and `models.retrieve` finds, so nothing else is needed.
 *
 * @example
 * models: [...modelAliasGroups(process.env, { 'claude-3-5-sonnet': { provider: 'anthropic', model: 'claude-3-5-sonnet-latest' } })]
 */
export function modelAliasGroups(env: Env = process.env, overrides: ModelAliasOverrides = {}): ModelGroup[] {
  const table: Record<string, ModelAlias | null> = { ...modelAliases.models, ...overrides };
  const out: ModelGroup[] = [];
  for (const [name, alias] of Object.entries(table)) {
    if (alias === null) continue;
    const key = env[enabledBy[alias.provider]];
    if (key === undefined || key === '') continue;
    out.push({
      name,
      description: `${alias.provider}'s ${alias.model} (alias table as of ${modelAliases.asOf})`,
      deployments: [{ provider: alias.provider, model: alias.model }],
    });
  }
  return out;
}
