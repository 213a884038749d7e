/**
 * The counter store (Redis) could not answer. The keys plugin turns it into 503
 * `service_unavailable_error` (fail closed), never into silent per-instance counting.
 */
export class AdmissionStoreError extends Error {
  override readonly name = 'AdmissionStoreError';
  readonly code = 'limits_store_unavailable';

  constructor(operation: string, cause: unknown) {
    super(`rate-limit store unavailable during ${operation}`, { cause });
  }
}
