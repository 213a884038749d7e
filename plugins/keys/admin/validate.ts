import { Ajv, type ErrorObject } from 'ajv';
import type { Static, TSchema } from '@sinclair/typebox';
import { invalidParam, invalidRequest } from 'switchyard';

/**
 * One ajv for admin bodies: the first problem is enough for a 400 (unlike the config, where every
 * problem is listed), and values are never coerced (`"10"` is not a limit).
 */
const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false });

/**
 * Compiles a body schema once; the result checks one body and returns it typed, or throws 400
 * with `param` = the path of the first offending field (`models[1]`, `keys[0].token`).
 */
export function bodyValidator<S extends TSchema>(schema: S): (body: unknown) => Static<S> {
  const validate = ajv.compile(schema);
  return (body) => {
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw invalidRequest('the request body must be a JSON object');
    }
    if (validate(body)) return body as Static<S>;
    const first = validate.errors?.[0];
    if (first === undefined) throw invalidRequest('the request body is invalid');
    const { param, message } = describe(first);
    throw invalidParam(param, `${param || 'body'} ${message}`);
  };
}

function describe(e: ErrorObject): { param: string; message: string } {
  const path = pointerToPath(e.instancePath);
  if (e.keyword === 'required') {
    return { param: joinPath(path, (e.params as { missingProperty: string }).missingProperty), message: 'is required' };
  }
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ');
    return { param: path, message: `must be one of ${allowed}` };
  }
  return { param: path, message: e.message ?? 'is invalid' };
}

/** `/keys/0/token` → `keys[0].token`, the form OpenAI uses in `param`. */
export function pointerToPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out = /^\d+$/.test(part) ? `${out}[${part}]` : joinPath(out, part);
  }
  return out;
}

function joinPath(a: string, b: string): string {
  if (a === '') return b;
  return b === '' ? a : `${a}.${b}`;
}
