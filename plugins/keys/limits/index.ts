export type {
  Admission,
  AdmissionOptions,
  AdmissionRequest,
  AdmissionResult,
  Admitted,
  MaybePromise,
  BudgetLimit,
  BudgetWindow,
  LimitKind,
  RateHeadroom,
  Refused,
  ScopeKind,
  ScopeLimits,
} from './types.ts';
export { Lease, type BudgetHold } from './lease.ts';
export { AdmissionStoreError } from './errors.ts';
export { MemoryAdmission, type MemoryAdmissionOptions } from './memory.ts';
export { RedisAdmission, type RedisAdmissionOptions } from './redis.ts';
export { formatResetDuration, rateLimitHeaders, retryAfterHeaders, setRateLimitHeaders } from './headers.ts';
