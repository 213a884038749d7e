// examples/readme/model-aliases.config.ts
import { defineConfig } from 'switchyard';
import { defaultPlugins, modelAliasGroups } from 'switchyard/plugins/presets/default';

// The shipped table with one entry overridden and one dropped (null). Without a config file,
// the drop-in gateway takes the same overrides: defaultConfig(process.env, { modelAliases }).
export default defineConfig({
  plugins: [...defaultPlugins()],
  models: [
    ...modelAliasGroups(process.env, {
      'claude-3-5-sonnet': { provider: 'anthropic', model: 'claude-sonnet-4-20250514' },
      'gpt-3.5': null,
    }),
  ],
});
