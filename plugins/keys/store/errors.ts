/** Conflicts the admin API turns into 409s (and `invalid` into 400). */
export type StoreErrorCode = 'key_exists' | 'key_alias_taken' | 'team_exists' | 'invalid_value';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  readonly param: string | undefined;
  constructor(code: StoreErrorCode, message: string, param?: string) {
    super(message);
    this.code = code;
    this.param = param;
  }
}

/** Thrown by a SQL adapter when a unique index refuses a row; `target` is `table.column`. */
export class UniqueViolation extends Error {
  override readonly name = 'UniqueViolation';
  readonly target: string;
  constructor(target: string, cause: unknown) {
    super(`unique constraint on ${target}`, { cause });
    this.target = target;
  }
}
