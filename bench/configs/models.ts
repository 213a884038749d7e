import type { GatewayConfig } from 'switchyard';

/** The model group the benchmark's full configurations serve: `bench`, falling back to `bench-backup`. */
export const benchModels: NonNullable<GatewayConfig['models']> = [
  {
    name: 'bench',
    deployments: [{ provider: 'openai', model: 'gpt-4o-mini' }],
    fallbacks: ['bench-backup'],
    timeout: 30_000,
  },
  { name: 'bench-backup', deployments: [{ provider: 'openai', model: 'gpt-4o' }] },
];
