import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, test } from 'vitest';
import { RequestContext, type CanonicalRequest, type Operation, type Principal } from 'switchyard';
import { createRootLogger } from '../../../../core/log.ts';
import { canonicalJson, embeddingKeys, embeddingInputs, isDeterministic, requestKey } from '../../../../plugins/cache/shared/key.ts';
import { cachePolicy, type SharedCacheOptions } from '../../../../plugins/cache/shared/options.ts';
import type { EmbeddingRequest } from 'switchyard';

const log = createRootLogger({ level: 'silent', sync: true });

function ctxFor(operation: Operation, request: CanonicalRequest, headers: IncomingHttpHeaders = {}, principal?: Principal): RequestContext {
  const ctx = new RequestContext({ id: 'r', operation, headers, signal: new AbortController().signal, rootLog: log });
  ctx.request = request;
  ctx.model = request.model;
  ctx.principal = principal;
  return ctx;
}

const base = {
  model: 'smart',
  messages: [{ role: 'user' as const, content: 'hello' }],
  temperature: 0,
};
const policy = cachePolicy({});
const key = (request: CanonicalRequest, options: SharedCacheOptions = {}, headers: IncomingHttpHeaders = {}, principal?: Principal) =>
  requestKey(ctxFor('chat', request, headers, principal), cachePolicy(options));

describe('canonicalJson', () => {
  test('sorts keys at every depth, keeps array order, skips undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined, b: null } })).toBe('{"a":{"b":null,"d":[2,1]},"b":1}');
    expect(canonicalJson([{ y: 1, x: 2 }, 'a'])).toBe('[{"x":2,"y":1},"a"]');
  });
});

describe('requestKey', () => {
  test('is the sha256 of canonicalJson({ op, model, ns, params }): keys written by earlier versions still match', () => {
    // Pinned: the material is written out directly now; a change here would orphan stored (Redis) entries.
    expect(key(base)).toBe('chat:fV46juiVL1ch015MXWv_ZUuOvTV5dCMN2ZXjACfquhc');
    const request = { model: 'e', input: 'hi', dimensions: 8, user: 'u' } as EmbeddingRequest;
    expect(embeddingKeys(ctxFor('embeddings', request), policy, ['hi'])).toEqual(['embeddings:EHOhHIHCifMUTIcki21Pl5_czigciqAiMBSwqmQ5J-A']);
  });

  test('is stable and ignores key order', () => {
    const reordered = { temperature: 0, messages: [{ content: 'hello', role: 'user' as const }], model: 'smart' };
    expect(key(base)).toBe(key(reordered));
    expect(key(base)).toMatch(/^chat:[A-Za-z0-9_-]{43}$/);
  });

  test('does not change with stream, stream_options, user, store, metadata or headers', () => {
    const k = key(base);
    expect(key({ ...base, stream: true, stream_options: { include_usage: true } })).toBe(k);
    expect(key({ ...base, user: 'alice', safety_identifier: 'x', prompt_cache_key: 'p' })).toBe(k);
    expect(key({ ...base, store: true, metadata: { a: 'b' } })).toBe(k);
    expect(key(base, {}, { 'x-request-id': 'abc', authorization: 'Bearer one' })).toBe(k);
    expect(key({ ...base, seed: null } as CanonicalRequest)).toBe(k);
  });

  test('changes with the model group, messages, tools and every output-changing param', () => {
    const k = key(base);
    const variants: CanonicalRequest[] = [
      { ...base, model: 'other' },
      { ...base, messages: [{ role: 'user', content: 'hello!' }] },
      { ...base, messages: [{ role: 'system', content: 'be brief' }, ...base.messages] },
      { ...base, tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] },
      { ...base, tool_choice: 'none' },
      { ...base, temperature: 0.5 },
      { ...base, top_p: 0.9 },
      { ...base, seed: 1 },
      { ...base, max_tokens: 10 },
      { ...base, max_completion_tokens: 10 },
      { ...base, n: 2 },
      { ...base, stop: ['x'] },
      { ...base, response_format: { type: 'json_object' } },
      { ...base, logprobs: true },
      { ...base, presence_penalty: 1 },
      { ...base, frequency_penalty: 1 },
      { ...base, logit_bias: { '1': 1 } },
      { ...base, reasoning_effort: 'low' },
      { ...base, parallel_tool_calls: false },
    ];
    const keys = new Set(variants.map((v) => key(v)));
    expect(keys.size).toBe(variants.length);
    expect(keys.has(k)).toBe(false);
  });

  test('the operation is part of the key', () => {
    const completion = { model: 'smart', prompt: 'hello' };
    const hashOf = (k: string) => k.split(':')[1];
    const chatKey = requestKey(ctxFor('chat', completion as unknown as CanonicalRequest), policy);
    const completionKey = requestKey(ctxFor('completions', completion), policy);
    expect(hashOf(chatKey)).not.toBe(hashOf(completionKey));
  });

  test('namespaces separate callers, hashing API keys', () => {
    const alice = { authorization: 'Bearer sk-alice-123' };
    const bob = { authorization: 'Bearer sk-bob-456' };
    expect(key(base, {}, alice)).toBe(key(base, {}, bob));
    expect(key(base, { namespace: 'apiKey' }, alice)).not.toBe(key(base, { namespace: 'apiKey' }, bob));
    expect(key(base, { namespace: 'apiKey' }, alice)).toBe(key(base, { namespace: 'apiKey' }, alice));
    const p1: Principal = { id: 'u1', role: 'user', team: 'red' };
    const p2: Principal = { id: 'u2', role: 'user', team: 'red' };
    const p3: Principal = { id: 'u3', role: 'user', team: 'blue' };
    expect(key(base, { namespace: 'principal' }, {}, p1)).not.toBe(key(base, { namespace: 'principal' }, {}, p2));
    expect(key(base, { namespace: 'team' }, {}, p1)).toBe(key(base, { namespace: 'team' }, {}, p2));
    expect(key(base, { namespace: 'team' }, {}, p1)).not.toBe(key(base, { namespace: 'team' }, {}, p3));
  });
});

describe('embedding keys', () => {
  const req = (input: EmbeddingRequest['input'], extra: Partial<EmbeddingRequest> = {}): EmbeddingRequest => ({ model: 'emb', input, ...extra });
  const keysOf = (r: EmbeddingRequest) => embeddingKeys(ctxFor('embeddings', r), policy, embeddingInputs(r));

  test('one key per input, the same whatever batch the input came in', () => {
    const [a, b] = keysOf(req(['alpha', 'beta']));
    expect(a).not.toBe(b);
    expect(keysOf(req('alpha'))).toEqual([a]);
    expect(keysOf(req(['beta', 'gamma', 'alpha']))).toEqual([b, expect.any(String), a]);
  });

  test('token inputs are one input; dimensions and encoding change the key, user does not', () => {
    expect(embeddingInputs(req([1, 2, 3]))).toEqual([[1, 2, 3]]);
    expect(embeddingInputs(req([[1], [2]]))).toEqual([[1], [2]]);
    const [k] = keysOf(req('alpha'));
    expect(keysOf(req('alpha', { user: 'x' }))).toEqual([k]);
    expect(keysOf(req('alpha', { dimensions: 4 }))[0]).not.toBe(k);
    expect(keysOf(req('alpha', { encoding_format: 'base64' }))[0]).not.toBe(k);
    expect(keysOf(req('alpha', { model: 'emb-2' }))[0]).not.toBe(k);
  });
});

test('isDeterministic: temperature 0 or a seed', () => {
  expect(isDeterministic({ ...base, temperature: 0 })).toBe(true);
  expect(isDeterministic({ ...base, temperature: 0.7, seed: 42 })).toBe(true);
  expect(isDeterministic({ ...base, temperature: 0.7 })).toBe(false);
  expect(isDeterministic({ model: 'm', messages: [] })).toBe(false);
});
