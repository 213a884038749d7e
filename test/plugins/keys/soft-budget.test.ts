import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, Order, startGateway, type Plugin, type RunningGateway } from 'switchyard';
import { softBudgetOf } from '../../../plugins/keys/key-call.ts';
import keys from '../../../plugins/keys/index.ts';
import metrics from '../../../plugins/metrics/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { captureLog, type LogLine } from '../../helpers/log-capture.ts';
import { startFixedUsageUpstream } from '../../helpers/mock-upstream/fixed-usage.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';
import { parsePromText, samplesOf, valueOf } from '../../helpers/prom-text.ts';

// Soft budgets through the real gateway (operator.md §4: "a soft budget only logs and counts"):
// the call that takes a key's window spend to its soft_budget logs one warning, later calls in the
// window log none, nothing is refused, and the metrics plugin counts it.

const master = 'sk-soft-budget-master-0123456789';
const redisUrl = process.env.REDIS_URL;
/** $1/M input, $2/M output: the fixed upstream's 10 prompt + 5 completion tokens cost 20 000 nano-USD a call. */
const price = { input: 1, output: 2 };
const perCall = 20_000;
const SOFT_MSG = 'keys: soft budget reached (the key keeps working)';
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * The log stage runs after the client has its answer: this probe (the stage's last tap) counts the
 * soft-budget checks that have ended, so a test knows when every call's check is over instead of
 * guessing with a delay.
 */
function checkProbe(): { plugin: Plugin; ended: () => number } {
  let ended = 0;
  return {
    ended: () => ended,
    plugin: {
      name: 'soft-budget-probe',
      setup(gateway) {
        gateway.hooks.log.tapPromise({ name: 'soft-budget-probe', stage: Order.last + 1 }, async (ctx) => {
          const check = softBudgetOf(ctx);
          if (check === undefined) return;
          await check;
          ended++;
        });
      },
    },
  };
}

for (const store of ['memory', 'redis'] as const) {
  describe.skipIf(store === 'redis' && redisUrl === undefined)(`soft_budget (${store} counters)`, () => {
    const prefix = `sy-test-soft-${randomUUID()}:`;
    let upstream: MockServer;
    let gw: RunningGateway;
    let dataDir: string;
    let lines: LogLine[];
    let calls = 0;
    /** Calls made with a key that has a soft budget: each ends with one check. */
    let checks = 0;
    const probe = checkProbe();

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'sy-soft-'));
      upstream = await startFixedUsageUpstream();
      const captured = captureLog('warn');
      lines = captured.lines;
      const counters = store === 'redis' ? { redisUrl: redisUrl as string, redisPrefix: prefix } : {};
      gw = await startGateway(
        defineConfig({
          plugins: [
            openai({ apiKey: 'sk-upstream-0000', baseURL: `${upstream.url}/v1` }),
            keys({ masterKey: master, dataDir, ...counters }),
            modelRouting({}),
            metrics({}),
            probe.plugin,
          ],
          models: [{ name: 'fast', deployments: [{ provider: 'openai', model: 'mock-fast', price }] }],
        }),
        { port: 0, host: '127.0.0.1', log: captured.log },
      );
    });
    afterAll(async () => {
      await gw?.close(1000);
      await upstream?.close();
      if (store === 'redis') {
        const redis = new Redis(redisUrl as string);
        const left = await redis.keys(`${prefix}*`);
        if (left.length > 0) await redis.del(...left);
        await redis.quit();
      }
      rmSync(dataDir, { recursive: true, force: true });
    });

    const admin = async (path: string, payload: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(`${gw.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      return JSON.parse(text) as Record<string, unknown>;
    };
    const scrape = async () => parsePromText(await (await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${master}` } })).text()).samples;
    /** The log stage runs after the client has its answer; the metrics tap is its last, so once every call is counted the keys plugin is done. */
    const settled = async () => {
      for (let i = 0; ; i++) {
        const samples = await scrape();
        const counted = samplesOf(samples, 'switchyard_requests_total').reduce((n, s) => n + s.value, 0);
        if (counted === calls && probe.ended() === checks) return samples;
        if (i === 500) throw new Error(`settling: ${counted} of ${calls} calls counted, ${probe.ended()} of ${checks} soft-budget checks ended`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    /** `n` chat calls with the official SDK, one after another; every one must succeed. */
    const callN = async (key: string, n: number, stream = false, soft = true) => {
      const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
      for (let i = 0; i < n; i++) {
        calls++;
        if (soft) checks++;
        if (stream) {
          const s = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: `call ${i}` }], stream: true });
          let text = '';
          for await (const chunk of s) text += chunk.choices[0]?.delta.content ?? '';
          expect(text).toBe('ok');
        } else {
          const answer = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: `call ${i}` }] });
          expect(answer.choices[0]?.message.content).toBe('ok');
        }
      }
    };
    const warningsFor = (alias: string) => lines.filter((l) => l.msg === SOFT_MSG && l.key_alias === alias);

    test('a key with only a soft budget: one warning when a call reaches it, none after, every call answered', async () => {
      const alias = `soft-only-${store}`;
      // 2.5 calls' worth: the third call takes the spend to 60 000 ≥ 50 000.
      const made = await admin('/key/generate', { key_alias: alias, soft_budget: (2.5 * perCall) / 1e9, budget_duration: '30d' });
      const key = made.key as string;
      await callN(key, 2);
      await settled();
      expect(warningsFor(alias)).toHaveLength(0);
      await callN(key, 4);
      const samples = await settled();
      const warned = warningsFor(alias);
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatchObject({ scope: 'key', key_alias: alias, key_ref: sha256(key).slice(0, 6), soft_budget: (2.5 * perCall) / 1e9, spend: (3 * perCall) / 1e9 });
      expect(typeof warned[0]?.window_ends).toBe('string');
      // No key material anywhere in the log: not the key, not its hash, not its `sk-...abcd` name.
      const text = JSON.stringify(lines);
      expect(text).not.toContain(key);
      expect(text).not.toContain(sha256(key));
      expect(text).not.toContain(made.key_name as string);
      expect(valueOf(samples, 'switchyard_soft_budget_reached_total', { scope: 'key' })).toBe(1);
    });

    test('a key with a max_budget too: the soft budget reads the admission counter, warns once, and only the hard budget refuses', async () => {
      const alias = `soft-and-hard-${store}`;
      const key = (await admin('/key/generate', { key_alias: alias, soft_budget: perCall / 1e9, max_budget: (3 * perCall) / 1e9 })).key as string;
      // Streamed calls: their cost comes from the usage chunk the gateway asks for.
      await callN(key, 3, true);
      const samples = await settled();
      const warned = warningsFor(alias);
      expect(warned).toHaveLength(1);
      // The first call reached it: the counter held that call's cost when the warning was written.
      expect(warned[0]).toMatchObject({ spend: perCall / 1e9, window_ends: null });
      expect(valueOf(samples, 'switchyard_soft_budget_reached_total', { scope: 'key' })).toBe(2);
      // The hard budget is spent: the next call is refused (402), the soft budget never refused one.
      calls++;
      const refused = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'over' }] }),
      });
      expect(refused.status).toBe(402);
      await settled();
      expect(warningsFor(alias)).toHaveLength(1);
    });

    test('lowering the soft budget under what is spent warns again at the next call; a key without one never warns', async () => {
      const alias = `soft-changed-${store}`;
      const key = (await admin('/key/generate', { key_alias: alias, soft_budget: 10 * perCall / 1e9 })).key as string;
      const plainAlias = `no-soft-${store}`;
      const plain = (await admin('/key/generate', { key_alias: plainAlias })).key as string;
      await callN(key, 2);
      await callN(plain, 3, false, false);
      await settled();
      expect(warningsFor(alias)).toHaveLength(0);
      await admin('/key/update', { key, soft_budget: perCall / 1e9 });
      // The key cache is invalidated at once on this one instance; the next call sees the new value.
      await callN(key, 2);
      await settled();
      expect(warningsFor(alias)).toHaveLength(1);
      expect(warningsFor(alias)[0]).toMatchObject({ spend: (3 * perCall) / 1e9, soft_budget: perCall / 1e9 });
      expect(warningsFor(plainAlias)).toHaveLength(0);
    });
  });
}
