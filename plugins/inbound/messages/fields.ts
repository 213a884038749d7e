import { invalidParam } from 'switchyard';

/**
 * Small checks for reading an untrusted Messages body. Each throws a 400 whose `param` is the
 * field path in the form the gateway uses everywhere (`messages[0].content[1].type`).
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectAt(value: unknown, param: string): JsonObject {
  if (value === undefined) throw invalidParam(param, `'${param}' is required`);
  if (!isObject(value)) throw invalidParam(param, `'${param}' must be an object`);
  return value;
}

export function stringAt(value: unknown, param: string): string {
  if (value === undefined) throw invalidParam(param, `'${param}' is required`);
  if (typeof value !== 'string') throw invalidParam(param, `'${param}' must be a string`);
  return value;
}

export function arrayAt(value: unknown, param: string): unknown[] {
  if (value === undefined) throw invalidParam(param, `'${param}' is required`);
  if (!Array.isArray(value)) throw invalidParam(param, `'${param}' must be an array`);
  return value;
}

/** `null` counts as absent, as SDKs send it for unset optional fields. */
export function optionalString(value: unknown, param: string): string | undefined {
  return value === undefined || value === null ? undefined : stringAt(value, param);
}

export function optionalBoolean(value: unknown, param: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidParam(param, `'${param}' must be a boolean`);
  return value;
}

export function optionalNumber(value: unknown, param: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidParam(param, `'${param}' must be a number`);
  if (value < min || value > max) throw invalidParam(param, `'${param}' must be between ${min} and ${max}`);
  return value;
}

/** One of `allowed`, else a 400 listing them. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], param: string): T {
  if (value === undefined) throw invalidParam(param, `'${param}' is required`);
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalidParam(param, `'${param}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
}
