import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { runNode, startGatewayProcess, type ServingGateway } from '../helpers/cli.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../helpers/mock-upstream/server.ts';
import { createSchema, databaseUrl, dropSchemas, schemaName } from '../helpers/pg-schema.ts';

// Two real gateway processes, as the README runs them for a team, sharing PostgreSQL (keys,
// teams, spend) and Redis (counters, leases, budget windows, key-cache invalidation).
const redisUrl = process.env.REDIS_URL;
// Random, as an operator's would be: a readable one ('…two-instance…') shares 8-letter words with
// the metrics' help texts, and the fragment scan below would report English, not a leak.
const master = `sk-${randomBytes(18).toString('base64url')}`;
const schema = schemaName('two');
let upstream: MockServer;
let a: ServingGateway;
let b: ServingGateway;
/** Every plaintext virtual key made here, for the leak scan at the end. */
const made: string[] = [];
/** Every answer body read here (model answers and errors), for the same scan. */
const bodies: string[] = [];
/** Every admin answer, `/key/generate`'s one plaintext `key` field taken out (it is shown that once, by design). */
const adminAnswers: string[] = [];
/** What `switchyard keys` printed. */
const cliOutputs: string[] = [];
/** The environment both gateways run with; the CLI gets the same store and Redis. */
let gatewayEnv: Record<string, string>;

const url = (g: ServingGateway): string => `http://127.0.0.1:${g.port}`;
const client = (g: ServingGateway, key: string, maxRetries = 0) => new OpenAI({ baseURL: `${url(g)}/v1`, apiKey: key, maxRetries });
const ask = (g: ServingGateway, key: string) => client(g, key).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });

async function admin(g: ServingGateway, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url(g)}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const answer = JSON.parse(text) as Record<string, unknown>;
  const { key: _shownOnce, ...rest } = answer;
  adminAnswers.push(path === '/key/generate' || path === '/key/regenerate' ? JSON.stringify(rest) : text);
  return answer;
}
/** `switchyard keys …` run as an operator runs it, against the gateways' PostgreSQL and Redis. */
async function cli(...args: string[]): Promise<string> {
  const { DATABASE_URL, REDIS_URL } = gatewayEnv;
  const run = await runNode('bin/switchyard.js', ['keys', ...args], { DATABASE_URL: DATABASE_URL as string, REDIS_URL: REDIS_URL as string }, 30_000);
  cliOutputs.push(run.stdout, run.stderr);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.stdout;
}
/** Polls a call on `g` until its status is `want`, for at most 5 s; returns how long it took after `since`. */
async function refusedWithin(g: ServingGateway, key: string, want: number, since: number): Promise<number> {
  let seen = 0;
  while ((seen = await status(g, key)) !== want && Date.now() - since < 5_000) await new Promise((r) => setTimeout(r, 20));
  expect(seen).toBe(want);
  return Date.now() - since;
}
async function generate(g: ServingGateway, fields: Record<string, unknown>): Promise<string> {
  const key = (await admin(g, '/key/generate', fields)).key as string;
  made.push(key);
  return key;
}
/** Status of a call, with its body kept for the scan. */
async function status(g: ServingGateway, key: string): Promise<number> {
  const res = await fetch(`${url(g)}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
  });
  bodies.push(await res.text());
  return res.status;
}

describe.skipIf(redisUrl === undefined || databaseUrl === undefined)('keys across two gateway processes (Redis + PostgreSQL)', () => {
  beforeAll(async () => {
    upstream = await startMockOpenAI({ chunkGapMs: 100 });
    await createSchema(schema);
    const sep = (databaseUrl as string).includes('?') ? '&' : '?';
    const env = (gatewayEnv = {
      SWITCHYARD_MASTER_KEY: master,
      DATABASE_URL: `${databaseUrl}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      REDIS_URL: redisUrl as string,
      OPENAI_API_KEY: mockOpenAIKey,
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      LOG_LEVEL: 'info',
    });
    // Started together: migrations run once, under the advisory lock.
    [a, b] = await Promise.all([startGatewayProcess('bin/switchyard.js', [], env, 30_000), startGatewayProcess('bin/switchyard.js', [], env, 30_000)]);
  }, 60_000);

  afterAll(async () => {
    a?.kill();
    b?.kill();
    await upstream?.close();
    await dropSchemas([schema]);
  });

  test('rpm_limit=10: 20 concurrent requests over both instances → exactly 10 answered, 10 refused with Retry-After; the upstream saw 10', async () => {
    const key = await generate(a, { rpm_limit: 10 });
    upstream.reset();
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await fetch(`${url(i % 2 === 0 ? a : b)}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: `n${i}` }] }),
        });
        const text = await res.text();
        bodies.push(text);
        return { status: res.status, retryAfter: res.headers.get('retry-after') };
      }),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(10);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(10);
    expect(refused.every((r) => Number(r.retryAfter) > 0)).toBe(true);
    expect(upstream.requests).toHaveLength(10);
  });

  test('a key blocked on one instance is refused on the other within 1 s; deleted likewise', async () => {
    const key = await generate(a, {});
    expect(await status(b, key)).toBe(200); // now cached on b
    const blockedAt = Date.now();
    await admin(a, '/key/block', { key });
    let seen = 0;
    while ((seen = await status(b, key)) === 200 && Date.now() - blockedAt < 5_000) await new Promise((r) => setTimeout(r, 20));
    expect(seen).toBe(403);
    expect(Date.now() - blockedAt).toBeLessThan(1_000);

    const other = await generate(b, {});
    expect(await status(a, other)).toBe(200);
    const deletedAt = Date.now();
    await admin(b, '/key/delete', { keys: [other] });
    while ((seen = await status(a, other)) === 200 && Date.now() - deletedAt < 5_000) await new Promise((r) => setTimeout(r, 20));
    expect(seen).toBe(401);
    expect(Date.now() - deletedAt).toBeLessThan(1_000);
  });

  test('max_parallel_requests=1: a stream holds the slot on both instances; the client aborting it frees the slot', async () => {
    const key = await generate(a, { max_parallel_requests: 1 });
    const controller = new AbortController();
    const stream = await client(a, key).chat.completions.create(
      { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'a long answer that streams slowly for a while' }] },
      { signal: controller.signal },
    );
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next(); // the stream is open and holds the lease
    expect(await status(b, key)).toBe(429);
    controller.abort();
    await iterator.next().catch(() => undefined);
    let seen = 429;
    const deadline = Date.now() + 3_000;
    while (seen === 429 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      seen = await status(b, key);
    }
    expect(seen).toBe(200);
  });

  test('a budget stops at the same request on one instance as alternating over two; on a 402 the openai SDK makes exactly one request', async () => {
    const budget = { max_budget: 0.0002 };
    const one = await generate(a, budget);
    const two = await generate(b, budget);
    const until402 = async (pick: (i: number) => ServingGateway, key: string): Promise<number> => {
      for (let i = 0; i < 50; i++) {
        const s = await status(pick(i), key);
        if (s === 402) return i;
        expect(s).toBe(200);
        // Spend is charged when the answer ends, just after the client has it.
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('never refused');
    };
    const alone = await until402(() => a, one);
    const alternating = await until402((i) => (i % 2 === 0 ? a : b), two);
    expect(alone).toBeGreaterThan(1);
    expect(alternating).toBe(alone);
    upstream.reset();
    await expect(client(b, one, 3).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 402 });
    expect(upstream.requests).toHaveLength(0);
  });

  test('switchyard keys block / unblock / update / delete reach both running instances within 1 s (Redis pub/sub)', async () => {
    const key = await generate(a, {});
    const hash = createHash('sha256').update(key).digest('hex');
    // Cached on both: without a message, they would keep this record for the cache TTL (30 s).
    expect(await status(a, key)).toBe(200);
    expect(await status(b, key)).toBe(200);
    await cli('block', key);
    let done = Date.now();
    expect(await refusedWithin(a, key, 403, done)).toBeLessThan(1_000);
    expect(await refusedWithin(b, key, 403, done)).toBeLessThan(1_000);
    await cli('unblock', hash);
    done = Date.now();
    expect(await refusedWithin(b, key, 200, done)).toBeLessThan(1_000);
    expect(await refusedWithin(a, key, 200, done)).toBeLessThan(1_000);
    await cli('update', hash, '--models', 'gpt-4o-mini');
    done = Date.now();
    expect(await refusedWithin(a, key, 403, done)).toBeLessThan(1_000);
    expect(await refusedWithin(b, key, 403, done)).toBeLessThan(1_000);
    expect(bodies.at(-1)).toContain('model_not_allowed');
    await cli('delete', key);
    done = Date.now();
    expect(await refusedWithin(b, key, 401, done)).toBeLessThan(1_000);
    expect(await refusedWithin(a, key, 401, done)).toBeLessThan(1_000);
  }, 60_000);

  test('nothing leaks: no plaintext key, fragment or hash in any answer, admin answer, /metrics, CLI output or process log', async () => {
    // Give both processes a moment to write their last log lines.
    await new Promise((r) => setTimeout(r, 200));
    const metrics = await Promise.all(
      [a, b].map(async (g) => {
        const res = await fetch(`${url(g)}/metrics`, { headers: { authorization: `Bearer ${master}` } });
        const text = await res.text();
        expect(res.status, text).toBe(200);
        return text;
      }),
    );
    // The scan is only worth something if the metrics saw these requests: answers, 429s and 402s.
    // Each instance answered some; which of them refused depends on how the concurrent requests
    // raced to Redis (all of one instance's may be among the admitted ten), so refusals are
    // looked for in either.
    for (const text of metrics) expect(text).toMatch(/^switchyard_requests_total\{[^}]*status_code="200"/m);
    expect(metrics.some((text) => /^switchyard_rate_limited_total\{/m.test(text)), metrics.join('\n')).toBe(true);
    expect(metrics.some((text) => /^switchyard_budget_exceeded_total\{/m.test(text)), metrics.join('\n')).toBe(true);
    expect(made.length).toBeGreaterThan(5);
    expect(adminAnswers.length).toBeGreaterThan(made.length);
    expect(a.output()).toContain('"reqId"');
    const everywhere = [...bodies, ...adminAnswers, ...cliOutputs, ...metrics, a.output(), b.output()];
    for (const key of [...made, master]) {
      // Any 8 characters of the key after its `sk-` prefix.
      const secret = key.slice(3);
      for (let i = 0; i + 8 <= secret.length; i++) {
        const fragment = secret.slice(i, i + 8);
        for (const text of everywhere) expect(text.includes(fragment), 'fragment of a key found').toBe(false);
      }
      // Hashes (and any 16 hex of one, as in a principal id) name keys in admin answers only, never in metrics or answers.
      const hash = createHash('sha256').update(key).digest('hex');
      for (let i = 0; i + 16 <= hash.length; i += 8) {
        const fragment = hash.slice(i, i + 16);
        for (const text of [...metrics, ...bodies]) expect(text.includes(fragment), 'a key hash found').toBe(false);
      }
    }
  });
});
