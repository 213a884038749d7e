/**
 * The default gateway, written as a user would write it. `npm start` loads this file when it is
 * present (delete it and the same gateway is built from the environment by the default preset).
 *
 * Copy it, then change what you need: add model groups, swap the fallback strategy, add a cache,
 * or add your own plugins next to the built-in ones.
 */
import { defineConfig } from 'switchyard';
import { defaultPlugins, modelAliasGroups } from 'switchyard/plugins/presets/default';

export default defineConfig({
  server: {
    // --port and the PORT variable override this.
    port: 4000,
    // Largest request body; larger ones get 413.
    bodyLimit: 20 * 1024 * 1024,
    // On SIGTERM, in-flight requests and streams get this long to finish.
    shutdownGraceMs: 10_000,
  },

  settings: {
    // Calls per request, retries and fallbacks included.
    maxAttempts: 3,
    // Answer 400 when a provider cannot honour a parameter (set true to drop it and log instead).
    dropUnsupportedParams: false,
  },

  // Every provider whose key is in the environment (OPENAI_API_KEY, GROQ_API_KEY, OLLAMA_BASE_URL…),
  // the master key (SWITCHYARD_MASTER_KEY), model routing, ordered fallback and the request log.
  // Add your own plugin instances, or module specifiers with options, after them:
  //   ['./plugins/acme-audit.ts', { bucket: 'audit' }],
  plugins: [...defaultPlugins()],

  // Model groups: the names clients send as `model`, each served by one or more deployments.
  // Groups whose provider has no credentials in the environment are left out, so this file
  // starts on any machine; `provider/model` and bare names (`gpt-4o`) work without a group.
  models: [
    ...(process.env.OPENAI_API_KEY
      ? [
          {
            name: 'fast',
            description: 'Cheap and quick; falls back to the big model when it is down',
            deployments: [{ provider: 'openai', model: 'gpt-4o-mini' }],
            fallbacks: ['smart'],
          },
          {
            name: 'smart',
            deployments: [{ provider: 'openai', model: 'gpt-4o' }],
            timeout: 60_000,
          },
        ]
      : []),
    // Undated names (`claude-3-5-sonnet`, `gemini-pro`…) mapped to each enabled provider's current
    // id, from the preset's dated table; pass overrides as the second argument.
    ...modelAliasGroups(process.env),
  ],
});
