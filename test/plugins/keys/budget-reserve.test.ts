import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, estimatePromptTokens, shippedPrices, type RunningGateway } from 'switchyard';
import orderedFallback from '../../../plugins/fallback/ordered/index.ts';
import keys from '../../../plugins/keys/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import { faults, startMockServer, type MockServer } from '../../helpers/mock-upstream/server.ts';

// budgetMode 'reserve' through the real gateway: each admission reserves the request's estimated
// cost (prompt chars / 4 + max_tokens, priced from the shipped table) against the budget, all or
// nothing, and the log stage replaces it with the real cost (or refunds it all on failure/abort).

const master = 'sk-reserve-master-key-0123456789';
const redisUrl = process.env.REDIS_URL;
const body = { model: 'gpt-4o', max_tokens: 16, messages: [{ role: 'user' as const, content: 'hold' }] };
/** The reservation the README promises for `body`, from the shipped gpt-4o price ($/M tokens → nano-USD). */
const price = shippedPrices['gpt-4o'] as { input: number; output: number };
const estimate = estimatePromptTokens(body) * price.input * 1000 + body.max_tokens * price.output * 1000;

/**
 * An upstream in front of the strict OpenAI mock that holds every request until `open()`: the
 * admitted requests wait there, so admission of all concurrent requests is over before any
 * finishes (and refunds), whatever the machine's speed.
 */
interface Gate {
  readonly server: MockServer;
  arrived(): number;
  open(): void;
  close(): void;
}
async function startGate(upstream: MockServer): Promise<Gate> {
  let release: (() => void) | undefined;
  let opened: Promise<void> = Promise.resolve();
  let arrived = 0;
  const server = await startMockServer(async (req, res) => {
    arrived++;
    await opened;
    const answer = await fetch(`${upstream.url}${req.url}`, {
      method: req.method,
      headers: { authorization: String(req.headers.authorization), 'content-type': 'application/json' },
      body: req.body,
    });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(await answer.text());
  });
  return {
    server,
    arrived: () => arrived,
    open: () => release?.(),
    close() {
      arrived = 0;
      opened = new Promise((r) => (release = r));
    },
  };
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const store of ['memory', 'redis'] as const) {
  describe.skipIf(store === 'redis' && redisUrl === undefined)(`budgetMode 'reserve' (${store} counters)`, () => {
    const prefix = `sy-test-reserve-${randomUUID()}:`;
    let upstream: MockServer;
    let gate: Gate;
    let gw: RunningGateway;
    let dataDir: string;
    let redis: Redis | undefined;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'sy-reserve-'));
      upstream = await startMockOpenAI();
      gate = await startGate(upstream);
      const counters = store === 'redis' ? { redisUrl: redisUrl as string, redisPrefix: prefix } : {};
      gw = await startTestGateway(
        defineConfig({
          plugins: [
            openai({ apiKey: mockOpenAIKey, baseURL: `${gate.server.url}/v1` }),
            keys({ masterKey: master, dataDir, budgetMode: 'reserve', ...counters }),
            modelRouting({}),
            orderedFallback({}),
          ],
          models: [{ name: 'gpt-4o', deployments: [{ provider: 'openai', model: 'gpt-4o' }] }],
        }),
      );
      if (store === 'redis') redis = new Redis(redisUrl as string);
    });
    afterAll(async () => {
      await gw?.close(1000);
      await gate?.server.close();
      await upstream?.close();
      if (redis !== undefined) {
        const left = await redis.keys(`${prefix}*`);
        if (left.length > 0) await redis.del(...left);
        await redis.quit();
      }
      rmSync(dataDir, { recursive: true, force: true });
    });

    const admin = async (path: string, payload?: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(`${gw.url}${path}`, {
        method: payload === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
        ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      return JSON.parse(text) as Record<string, unknown>;
    };
    const call = (key: string, signal?: AbortSignal) =>
      fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        ...(signal === undefined ? {} : { signal }),
      });
    /**
     * A key's spend rows with `status` once the log stage has written `n` of them (it runs after the
     * client has its answer; refusals have rows too, as failures with status_code 402).
     */
    const rowsOf = async (alias: string, status: string, n: number): Promise<{ spend: number | null; status: string; status_code: number }[]> => {
      let rows: { spend: number | null; status: string; status_code: number }[] = [];
      await until(`${n} ${status} spend rows`, async () => {
        const all = (await admin(`/spend/logs/v2?key_alias=${alias}&page_size=100`)).data as typeof rows;
        rows = all.filter((r) => r.status === status && r.status_code !== 402);
        return rows.length >= n;
      });
      return rows;
    };
    /** The budget counter of a key in Redis (the memory store is probed by admissions instead). */
    const counter = async (key: string): Promise<number> =>
      Number((await redis?.get(`${prefix}limits:bud:key:${createHash('sha256').update(key).digest('hex')}:all`)) ?? 0);
    /**
     * The budget counter equals `spent` exactly: with max = spent + estimate − 1 nano-USD the
     * estimate does not fit (counter ≥ spent), with max = spent + estimate it does (counter ≤ spent).
     * The refused probe reserves nothing; the admitted one is a real call.
     */
    const expectCounter = async (key: string, spent: number): Promise<void> => {
      gate.open();
      await admin('/key/update', { key, max_budget: (spent + estimate - 1) / 1e9 });
      const over = await call(key);
      expect(over.status, await over.text()).toBe(402);
      await admin('/key/update', { key, max_budget: (spent + estimate) / 1e9 });
      const fits = await call(key);
      expect(fits.status, await fits.text()).toBe(200);
    };

    test('a budget that fits exactly 3 estimates: of 6 concurrent requests, 3 are admitted and 3 refused with 402', async () => {
      const alias = `reserve-${store}`;
      const key = (await admin('/key/generate', { key_alias: alias, max_budget: (3 * estimate) / 1e9 })).key as string;
      gate.close();
      upstream.reset();
      let refused = 0;
      const answers = Array.from({ length: 6 }, async () => {
        const res = await call(key);
        if (res.status === 402) refused++;
        return { status: res.status, cost: res.headers.get('x-switchyard-response-cost'), retry: res.headers.get('x-should-retry'), text: await res.text() };
      });
      // Every request is either held at the gate (admitted) or answered 402 before any is let through.
      await until('every admission decided', () => gate.arrived() + refused === 6);
      expect(gate.arrived()).toBe(3);
      if (store === 'redis') expect(await counter(key)).toBe(3 * estimate);
      gate.open();
      const results = await Promise.all(answers);
      expect(results.filter((r) => r.status === 200)).toHaveLength(3);
      const refusals = results.filter((r) => r.status === 402);
      expect(refusals).toHaveLength(3);
      expect(refusals.every((r) => r.retry === 'false' && JSON.parse(r.text).error.code === 'budget_exceeded')).toBe(true);
      expect(upstream.requests).toHaveLength(3);

      // Reconciled: the counter holds the real cost of the three calls, not their estimates.
      const real = results.filter((r) => r.status === 200).reduce((sum, r) => sum + Math.round(Number(r.cost) * 1e9), 0);
      expect(real).toBeGreaterThan(0);
      expect(real).toBeLessThan(3 * estimate);
      const rows = await rowsOf(alias, 'success', 3);
      expect(rows.reduce((sum, r) => sum + Math.round((r.spend ?? 0) * 1e9), 0)).toBe(real);
      if (store === 'redis') await until('the redis counter to settle', async () => (await counter(key)) === real);
      await expectCounter(key, real);
    });

    test('a failed call refunds its whole reservation', async () => {
      const alias = `reserve-fail-${store}`;
      const key = (await admin('/key/generate', { key_alias: alias, max_budget: estimate / 1e9 })).key as string;
      gate.open();
      upstream.override(faults.status(400, { error: { message: 'bad request', type: 'invalid_request_error', param: null, code: null } }));
      expect((await call(key)).status).toBe(400);
      expect((await rowsOf(alias, 'failure', 1))[0]).toMatchObject({ status_code: 400, spend: 0 });
      if (store === 'redis') await until('the refund', async () => (await counter(key)) === 0);
      await expectCounter(key, 0);
    });

    test('a client that disconnects while its call is upstream gets its reservation back', async () => {
      const alias = `reserve-abort-${store}`;
      const key = (await admin('/key/generate', { key_alias: alias, max_budget: estimate / 1e9 })).key as string;
      gate.close();
      const controller = new AbortController();
      const pending = call(key, controller.signal).catch((err: unknown) => err);
      await until('the call to reach the upstream', () => gate.arrived() === 1);
      // Held: the budget is taken by the reservation.
      expect((await call(key)).status).toBe(402);
      controller.abort();
      await pending;
      expect((await rowsOf(alias, 'aborted', 1))[0]).toMatchObject({ spend: 0 });
      if (store === 'redis') await until('the refund', async () => (await counter(key)) === 0);
      gate.open();
      await expectCounter(key, 0);
    });
  });
}
