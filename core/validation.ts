import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import type { ConfigProblem } from './errors.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

/** One ajv for config and plugin options: every problem is wanted there, not just the first. */
const configAjv = addFormats(new Ajv({ allErrors: true, strict: false, coerceTypes: false }));

/** Compiles a config or options schema once; call the result per value. */
export function compileConfigSchema(schema: TSchema): (value: unknown, prefix?: string) => ConfigProblem[] {
  const validate = configAjv.compile(schema);
  return (value, prefix = '') => (validate(value) ? [] : problemsFrom(validate.errors ?? [], prefix));
}

/** ajv errors as readable problems: `models[0].deployments: must NOT have fewer than 1 items`. */
export function problemsFrom(errors: readonly ErrorObject[], prefix = ''): ConfigProblem[] {
  return errors.map((e) => {
    let path = joinPath(prefix, pointerToPath(e.instancePath));
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      path = joinPath(path, extra);
      message = 'is not a known setting';
    } else if (e.keyword === 'required') {
      path = joinPath(path, (e.params as { missingProperty: string }).missingProperty);
      message = 'is required';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    return { path, message };
  });
}

/** `/messages/0/role` → `messages[0].role`, the form OpenAI uses in `param`. */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  let out = '';
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

function joinPath(a: string, b: string): string {
  if (a === '') return b;
  if (b === '') return a;
  return b.startsWith('[') ? a + b : `${a}.${b}`;
}

export type { ValidateFunction };
