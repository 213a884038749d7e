/**
 * The gateway `npm run soak` runs: the default preset (OpenAI-compatible provider from
 * OPENAI_API_KEY/OPENAI_BASE_URL → the benchmark mock, master key, model routing, ordered
 * fallback, request log) plus a second OpenAI-wire provider, `faulty`, on the reliability suite's
 * fault-injecting upstream (SOAK_FAULT_URL), whose model names pick the fault
 * (test/reliability/faults.ts). Groups: `soak` (plain), `flaky` (a failing deployment, then
 * `soak` as fallback) and `fault-<name>` (one fault each, short timeouts).
 */
import { defineConfig, type ModelGroup } from 'switchyard';
import openai from 'switchyard/plugins/providers/openai';
import { defaultPlugins } from 'switchyard/plugins/presets/default';

/** The faults the soak mixes in (a subset of the suite's). */
export const soakFaults = ['reset-mid-body', 'status-429', 'status-503', 'hang-mid-body', 'truncated-json', 'garbage', 'huge', 'trickle', 'no-terminator'] as const;

const faultGroups: ModelGroup[] = soakFaults.map((fault) => ({
  name: `fault-${fault}`,
  deployments: [{ provider: 'faulty', model: `rel--${fault}` }],
  maxAttempts: 1,
  timeouts: { firstByte: 1_000, idle: 1_000, total: 15_000 },
}));

export default defineConfig({
  plugins: [...defaultPlugins(), openai({ id: 'faulty', apiKey: process.env.SOAK_FAULT_KEY, baseURL: process.env.SOAK_FAULT_URL, claims: '^rel--' })],
  models: [
    { name: 'soak', deployments: [{ provider: 'openai', model: 'gpt-4o-mini' }], timeout: 30_000 },
    { name: 'soak-embed', deployments: [{ provider: 'openai', model: 'text-embedding-3-small' }] },
    { name: 'flaky', deployments: [{ provider: 'faulty', model: 'rel--status-500' }], fallbacks: ['soak'], timeout: 5_000 },
    ...faultGroups,
  ],
});
