import * as crypto from 'node:crypto';
import type { CanonicalRequest, EmbeddingRequest, RequestContext } from 'switchyard';
import type { CachePolicy } from './options.ts';

/**
 * Request fields that never change the answer: how it is delivered (`stream`, `stream_options`),
 * who asks (`user`, `safety_identifier`), and bookkeeping OpenAI keeps beside the call
 * (`store`, `metadata`, `prompt_cache_key`). `model` is replaced by the model group.
 */
const ignored: ReadonlySet<string> = new Set([
  'model',
  'stream',
  'stream_options',
  'user',
  'safety_identifier',
  'prompt_cache_key',
  'store',
  'metadata',
]);

/**
 * JSON with object keys sorted at every depth, so two requests that differ only in key order
 * hash alike. Arrays keep their order (messages, tools and inputs are ordered). `undefined`
 * members are skipped, as `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const item: unknown = value[i];
      out += item === undefined ? 'null' : canonicalJson(item);
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // Already in order (small objects often are) saves the sort.
  if (!isSorted(keys)) keys.sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = record[k];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += JSON.stringify(k) + ':' + canonicalJson(v);
  }
  return out + '}';
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) > (keys[i] as string)) return false;
  return true;
}

// One-shot `crypto.hash` (Node ≥ 20.12) skips the Hash object; the digest is the same.
type OneShotHash = (algorithm: string, data: string, encoding: 'base64url') => string;
const oneShot = (crypto as { hash?: OneShotHash }).hash;
const sha256 = (text: string): string =>
  oneShot === undefined ? crypto.createHash('sha256').update(text).digest('base64url') : oneShot('sha256', text, 'base64url');

/** The part of the key that separates callers, or '' when entries are shared by everyone. */
export function namespaceOf(ctx: RequestContext, policy: CachePolicy): string {
  switch (policy.namespace) {
    case 'none':
      return '';
    // Hashed: a cache key (a Redis key name, a debug log) must never carry the API key itself.
    case 'apiKey':
      return ctx.apiKey === undefined ? 'anonymous' : `k:${sha256(ctx.apiKey)}`;
    case 'principal':
      return `p:${ctx.principal?.id ?? 'anonymous'}`;
    case 'team': {
      const team = ctx.principal?.team;
      return team === undefined ? `p:${ctx.principal?.id ?? 'anonymous'}` : `t:${team}`;
    }
  }
}

/**
 * `canonicalJson` of the request's output-changing parameters, written straight from the request:
 * everything but the ignored fields, nulls dropped (null means "default").
 */
function paramsJson(request: CanonicalRequest, skip?: string): string {
  const record = request as unknown as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = record[k];
    if (v === null || v === undefined || ignored.has(k) || k === skip) continue;
    if (out.length > 1) out += ',';
    out += JSON.stringify(k) + ':' + canonicalJson(v);
  }
  return out + '}';
}

/**
 * The cache key of a chat or completions request, after `transform.request`: a sha256 of the
 * operation, the model group, the namespace and every output-changing parameter. The material is
 * `canonicalJson({ op, model, ns, params })`, written out in its key order (model, ns, op, params).
 */
export function requestKey(ctx: RequestContext, policy: CachePolicy): string {
  const material =
    '{"model":' + JSON.stringify(ctx.model) + ',"ns":' + JSON.stringify(namespaceOf(ctx, policy)) +
    ',"op":' + JSON.stringify(ctx.operation) + ',"params":' + paramsJson(ctx.request) + '}';
  return `${ctx.operation}:${sha256(material)}`;
}

/** The inputs of an embeddings request, one per entry: a string, or one tokenised input. */
export function embeddingInputs(request: EmbeddingRequest): readonly (string | readonly number[])[] {
  const input = request.input;
  if (typeof input === 'string') return [input];
  if (input.length > 0 && typeof input[0] === 'number') return [input as number[]];
  return input as (string | number[])[];
}

/**
 * One key per embeddings input: the same material as `requestKey` without the batch, plus the
 * one input, so a string is cached whatever batch it came in.
 */
export function embeddingKeys(ctx: RequestContext, policy: CachePolicy, inputs: readonly (string | readonly number[])[]): string[] {
  const request = ctx.request as EmbeddingRequest;
  // canonicalJson({ model, ns, params }), written out in its key order.
  const base = '{"model":' + JSON.stringify(ctx.model) + ',"ns":' + JSON.stringify(namespaceOf(ctx, policy)) + ',"params":' + paramsJson(request, 'input') + '}';
  return inputs.map((input) => `embeddings:${sha256(`${base}\n${canonicalJson(input)}`)}`);
}

/** Whether the request would give the same answer twice: `temperature: 0` or a `seed`. */
export function isDeterministic(request: CanonicalRequest): boolean {
  const r = request as { temperature?: number | null; seed?: number | null };
  return r.temperature === 0 || typeof r.seed === 'number';
}
