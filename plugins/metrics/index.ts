/**
 * The `metrics` plugin: `GET /metrics` in Prometheus text format (design/operator.md §7). See
 * README.md.
 */
export { default, MetricsOptions } from './plugin.ts';
export { DeploymentState } from './deployment-state.ts';
export { durationBuckets, overheadBuckets, tokenBuckets, ttftBuckets } from './definitions.ts';
