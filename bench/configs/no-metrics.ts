/**
 * "Metrics off" in the benchmark: exactly what `npm start` runs with a master key and no config
 * file (the default preset and its model names), except the `metrics` plugin. Measured next to
 * the default preset with a master key, whose metrics plugin records every request.
 */
import { defineConfig } from 'switchyard';
import { defaultPlugins, modelAliasGroups } from 'switchyard/plugins/presets/default';

const models = modelAliasGroups(process.env);

export default defineConfig({
  plugins: defaultPlugins(process.env, { metrics: false }),
  ...(models.length === 0 ? {} : { models }),
});
