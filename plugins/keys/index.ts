/**
 * The `keys` plugin: virtual keys, teams, rpm/tpm/parallel limits and budgets, the admin API
 * (design/operator.md §1–6). See README.md.
 */
export { default, KeysOptions, type KeysRuntime } from './plugin.ts';
export { keyCallOf, refusalOf, type KeyCall, type Refusal } from './key-call.ts';
