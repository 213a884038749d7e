import { invalidJson, invalidRequest } from '../errors.ts';
import { countMembers, duplicateKeyPath } from './json-keys.ts';

/**
 * The deepest nesting of arrays and objects a request body may have (the body itself is level
 * 1). JSON.parse copes with any depth, but everything that walks the value recursively after it
 * (ajv, JSON.stringify, the provider translations, cache keys) overflows the stack somewhere in
 * the thousands, which was a 500 on some paths and a 200 on others. 128 leaves room for deeply
 * nested JSON Schemas in `tools` and `response_format` (about 60 schema levels).
 */
export const maxBodyDepth = 128;

/**
 * Parses request body bytes into the value the gateway validates, and refuses (400) what it
 * could not treat the same on every path: an empty or malformed body, nesting deeper than
 * `maxBodyDepth`, and a key given twice in one object (JSON.parse keeps the last, an upstream
 * reading the forwarded bytes may keep the first: a value nobody validated).
 */
export function parseJsonBody(bytes: Buffer): unknown {
  if (bytes.length === 0) throw invalidJson('the body is empty');
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalidJson((err as SyntaxError).message);
  }
  if (typeof value !== 'object' || value === null) return value;
  const keys = countKeys(value, 1);
  if (keys < 0) {
    const path = deepPath(value, 1) ?? '';
    throw invalidRequest(`the request body nests deeper than ${maxBodyDepth} levels at '${path}'`, path, 'too_deeply_nested');
  }
  // Every member of every object in the text is a `:` outside a string. Without a duplicate key,
  // each one is a key of the parsed value; a duplicate drops at least the member it overrides.
  if (keys !== countMembers(text)) {
    const path = duplicateKeyPath(text) ?? '';
    throw invalidRequest(`the key '${path}' is given more than once`, path, 'duplicate_key');
  }
  return value;
}

/**
 * The number of object keys in `value`, or -1 once it nests deeper than `maxBodyDepth`. The
 * recursion is bounded by that same limit, so it cannot overflow.
 */
function countKeys(value: object, depth: number): number {
  if (depth > maxBodyDepth) return -1;
  let keys = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'object' || item === null) continue;
      const inner = countKeys(item, depth + 1);
      if (inner < 0) return -1;
      keys += inner;
    }
    return keys;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    keys++;
    const item = record[key];
    if (typeof item !== 'object' || item === null) continue;
    const inner = countKeys(item, depth + 1);
    if (inner < 0) return -1;
    keys += inner;
  }
  return keys;
}

/** The path (`messages[0].content…`) to the first value past `maxBodyDepth`; only called on a refusal. */
function deepPath(value: unknown, depth: number): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > maxBodyDepth) return '';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const rest = deepPath(value[i], depth + 1);
      if (rest !== undefined) return `[${i}]${rest}`;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const rest = deepPath(item, depth + 1);
    if (rest !== undefined) return depth === 1 ? `${key}${rest}` : `.${key}${rest}`;
  }
  return undefined;
}
