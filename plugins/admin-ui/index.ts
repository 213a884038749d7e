/**
 * The `admin-ui` plugin: the admin page at `GET /ui` (design/operator.md §9). See README.md.
 */
export { default } from './plugin.ts';
export { loadAssets, importMapHash, vendorFiles, type Asset, type AssetTable } from './assets.ts';
export { contentSecurityPolicy, pageHeaders } from './headers.ts';
export { healthAnswer, configuredDeployments, type DeploymentHealth, type HealthAnswer, type LocalCounts, type OtherCooldown } from './health.ts';
export { DeploymentRates, RequestRate, type RequestRateSnapshot } from './request-rate.ts';
