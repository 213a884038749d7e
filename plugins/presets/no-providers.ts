import { definePlugin, GatewayError, modelNotFound, Order } from 'switchyard';
import { presets } from '../providers/openai/presets.ts';
import type { Env } from './providers-from-env.ts';

/** The variables that enable a provider in the default preset, as one would set them. */
export function providerVariables(): string[] {
  // Local servers (Ollama, vLLM, LM Studio) are enabled by their base URL, not a key.
  const compatible = Object.values(presets).map((p) => ('local' in p && p.local ? p.baseURLEnv : 'apiKeyEnv' in p ? p.apiKeyEnv : p.baseURLEnv));
  return [
    ...compatible.slice(0, 1),
    'ANTHROPIC_API_KEY',
    'GEMINI_API_KEY',
    'AZURE_OPENAI_API_KEY + AZURE_OPENAI_ENDPOINT',
    'AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY',
    'COHERE_API_KEY',
    ...compatible.slice(1),
  ];
}

/** Names (never values) that look like a provider key but that no provider reads: likely typos. */
function unreadKeyNames(env: Env, known: ReadonlySet<string>): string[] {
  return Object.keys(env).filter((name) => /(_KEY|_TOKEN|_SECRET)$/.test(name) && !known.has(name) && !/MASTER_KEY$/.test(name) && env[name] !== '');
}

/**
 * Added by the default preset when the environment enables no provider: without it the gateway
 * starts silently, reports itself ready and answers every model with a bare 404. It warns at
 * start-up naming the variables it reads (and names that look like a mistyped one), and turns
 * the 404 for a model no plugin routed into one that says why. Readiness (core) reports the
 * gateway not ready while no provider is registered.
 */
export const noProviders = definePlugin((env: Env) => ({
  name: 'no-providers-hint',
  setup(gateway) {
    const variables = providerVariables();
    const known = new Set(variables.flatMap((v) => v.split(' + ')));
    for (const p of Object.values(presets)) {
      if ('apiKeyEnv' in p) known.add(p.apiKeyEnv);
      known.add(p.baseURLEnv);
    }
    const unread = unreadKeyNames(env, known);
    const hint = `no provider is configured: set one of ${variables.join(', ')}`;
    gateway.log.warn({ variables, ...(unread.length > 0 ? { unreadVariables: unread } : {}) }, `${hint}; until then every model call answers 404`);
    // Last in the route stage: a provider plugin added by the config, or a routing plugin, wins.
    gateway.hooks.route.tapPromise({ stage: Order.last }, async (ctx) => {
      if (gateway.providers.list().length > 0) return undefined;
      const base = modelNotFound(ctx.model);
      throw new GatewayError(base.status, base.type, `${base.message}: ${hint}`, base.extra);
    });
  },
}));
