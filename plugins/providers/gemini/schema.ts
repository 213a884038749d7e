import { invalidParam } from 'switchyard';
import type { Schema } from './types.ts';

type Json = Record<string, unknown>;

/**
 * Gemini's `Schema` is a subset of OpenAPI 3.0: upper-case `type`, `nullable` instead of a
 * `null` type, string-only `enum`, a few formats, and no `$ref`, `additionalProperties`,
 * `$schema`, `oneOf`/`allOf`, `const` or `examples` (the API rejects a request carrying them).
 * JSON Schemas written for OpenAI are rewritten into that subset: local `$ref`s are inlined,
 * `oneOf` becomes `anyOf`, `const` a one-value `enum`, and keys Gemini lacks are left out.
 */
export function toGeminiSchema(schema: unknown, param: string): Schema {
  const root = asObject(schema);
  return convert(root, { root, param, depth: 0 });
}

interface Walk {
  readonly root: Json;
  readonly param: string;
  readonly depth: number;
}

const typeNames = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']);
/** Formats Gemini accepts, per type; any other format is rejected upstream, so it is left out. */
const formats: Readonly<Record<string, ReadonlySet<string>>> = {
  STRING: new Set(['enum', 'date-time']),
  NUMBER: new Set(['float', 'double']),
  INTEGER: new Set(['int32', 'int64']),
};
/** Copied as they are. */
const plainKeys = ['description', 'title', 'pattern', 'minimum', 'maximum', 'default', 'example', 'propertyOrdering'] as const;
/** int64 fields, strings in Google's JSON mapping. */
const countKeys = ['minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties'] as const;

function convert(node: Json, walk: Walk): Schema {
  if (walk.depth > 32) throw invalidParam(walk.param, 'schema nests too deep (or refers to itself), which Gemini cannot express');
  const resolved = typeof node.$ref === 'string' ? { ...resolveRef(node.$ref, walk), ...withoutRef(node) } : node;
  const next: Walk = { ...walk, depth: walk.depth + 1 };
  const out: Schema = {};
  const { type, nullable } = typeOf(resolved.type);
  if (type !== undefined) out.type = type as Schema['type'];
  if (nullable || resolved.nullable === true) out.nullable = true;
  for (const key of plainKeys) if (resolved[key] !== undefined) (out as Json)[key] = resolved[key];
  for (const key of countKeys) if (typeof resolved[key] === 'number') out[key] = String(resolved[key]);
  if (typeof resolved.format === 'string' && type !== undefined && formats[type]?.has(resolved.format)) out.format = resolved.format;
  const values = Array.isArray(resolved.enum) ? resolved.enum : 'const' in resolved ? [resolved.const] : undefined;
  if (values !== undefined && values.every((v) => typeof v === 'string')) {
    out.enum = values as string[];
    out.type ??= 'STRING' as Schema['type'];
  }
  const props = resolved.properties;
  if (typeof props === 'object' && props !== null) {
    out.properties = {};
    for (const [name, sub] of Object.entries(props as Json)) out.properties[name] = convert(asObject(sub), next);
    if (Array.isArray(resolved.required)) {
      // Gemini rejects a required name that has no property.
      out.required = resolved.required.filter((r): r is string => typeof r === 'string' && r in (props as Json));
    }
  }
  if (typeof resolved.items === 'object' && resolved.items !== null && !Array.isArray(resolved.items)) {
    out.items = convert(resolved.items as Json, next);
  }
  const union = resolved.anyOf ?? resolved.oneOf;
  if (Array.isArray(union)) {
    const options = union.map((u) => asObject(u));
    const nonNull = options.filter((o) => o.type !== 'null');
    if (nonNull.length < options.length) out.nullable = true;
    if (nonNull.length === 1 && out.type === undefined) Object.assign(out, convert(nonNull[0] as Json, next), out.nullable ? { nullable: true } : {});
    else if (nonNull.length > 0) out.anyOf = nonNull.map((o) => convert(o, next));
  }
  return out;
}

function typeOf(raw: unknown): { type: string | undefined; nullable: boolean } {
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const names = list.filter((t): t is string => typeof t === 'string' && typeNames.has(t));
  const nonNull = names.filter((t) => t !== 'null');
  const nullable = names.length > nonNull.length;
  const first = nonNull[0] ?? (nullable ? 'null' : undefined);
  return { type: first?.toUpperCase(), nullable: nullable && nonNull.length > 0 };
}

/** `#/$defs/Name` or `#/definitions/Name`, inside the same schema. */
function resolveRef(ref: string, walk: Walk): Json {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  const defs = match ? (walk.root[match[1] as string] as Json | undefined) : undefined;
  const target = defs?.[decodeURIComponent((match as RegExpExecArray)[2] as string)];
  if (typeof target !== 'object' || target === null) {
    throw invalidParam(walk.param, `schema reference '${ref}' cannot be resolved; Gemini needs schemas without $ref`);
  }
  return target as Json;
}

function withoutRef(node: Json): Json {
  const { $ref: _ref, ...rest } = node;
  return rest;
}

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

/** True when an object schema has no properties: Gemini rejects such `parameters`, so they are omitted. */
export function isEmptyObjectSchema(schema: Schema): boolean {
  return schema.type === ('OBJECT' as Schema['type']) && Object.keys(schema.properties ?? {}).length === 0;
}
