import { invalidParam } from 'switchyard';

/**
 * Small checks for reading an untrusted Responses body. Each throws a 400
 * `invalid_request_error` whose `param` is the field path (`input[0].content[1].type`).
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `null` counts as absent throughout: the SDKs send it for unset optional fields. */
export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export function objectAt(value: unknown, param: string): JsonObject {
  if (isAbsent(value)) throw invalidParam(param, `'${param}' is required`);
  if (!isObject(value)) throw invalidParam(param, `'${param}' must be an object`);
  return value;
}

export function stringAt(value: unknown, param: string): string {
  if (isAbsent(value)) throw invalidParam(param, `'${param}' is required`);
  if (typeof value !== 'string') throw invalidParam(param, `'${param}' must be a string`);
  return value;
}

export function arrayAt(value: unknown, param: string): unknown[] {
  if (isAbsent(value)) throw invalidParam(param, `'${param}' is required`);
  if (!Array.isArray(value)) throw invalidParam(param, `'${param}' must be an array`);
  return value;
}

export function optionalString(value: unknown, param: string): string | undefined {
  return isAbsent(value) ? undefined : stringAt(value, param);
}

export function optionalBoolean(value: unknown, param: string): boolean | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'boolean') throw invalidParam(param, `'${param}' must be a boolean`);
  return value;
}

export function optionalNumber(value: unknown, param: string, min: number, max: number): number | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidParam(param, `'${param}' must be a number`);
  if (value < min || value > max) throw invalidParam(param, `'${param}' must be between ${min} and ${max}`);
  return value;
}

export function optionalInteger(value: unknown, param: string, min: number): number | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidParam(param, `'${param}' must be an integer`);
  if (value < min) throw invalidParam(param, `'${param}' must be at least ${min}`);
  return value;
}

/** One of `allowed`, else a 400 listing them. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], param: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalidParam(param, `'${param}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
}
