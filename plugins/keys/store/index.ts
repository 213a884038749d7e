/**
 * The durable store of the `keys` plugin: virtual keys, teams, spend rows, daily roll-ups and
 * the audit trail, in SQLite (embedded default) or PostgreSQL (`DATABASE_URL`).
 */
export type * from './types.ts';
export { StoreError, type StoreErrorCode } from './errors.ts';
export { openKeysStore, storeLocationFromEnv, SQLITE_FILE, type OpenedStore, type StoreLocation } from './open.ts';
export { preferNewer } from './newer.ts';
export { MAX_PAGE_SIZE } from './paging.ts';
export { accrue, type BudgetState } from './spend-accrual.ts';
