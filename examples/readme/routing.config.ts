// examples/readme/routing.config.ts
import { defineConfig } from 'switchyard';
import resilient from 'switchyard/plugins/fallback/resilient';
import { defaultPlugins } from 'switchyard/plugins/presets/default';
import weighted from 'switchyard/plugins/routing/weighted';

export default defineConfig({
  plugins: [
    // The preset's providers (from the environment), auth and routing, with fallback-resilient
    // as its call strategy in place of fallback-ordered: only one plugin may own the call stage.
    ...defaultPlugins(process.env, { fallback: resilient({ cooldown: { failures: 3, seconds: 30 } }) }),
    weighted({}),
  ],
  models: [
    {
      name: 'smart',
      routing: 'weighted',
      deployments: [
        { provider: 'azure', model: 'prod-gpt4o', weight: 3, rpm: 600, tpm: 150_000 },
        { provider: 'openai', model: 'gpt-4o', weight: 1 },
        { provider: 'openai', model: 'gpt-4o-mini', tier: 1 }, // used only when tier 0 is cooling or full
      ],
      fallbacks: ['claude'],
      contextWindowFallbacks: ['long'],
    },
    { name: 'claude', deployments: [{ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' }] },
    { name: 'long', deployments: [{ provider: 'openai', model: 'gpt-4.1' }] },
  ],
});
