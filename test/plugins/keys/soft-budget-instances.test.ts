import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, Order, startGateway, type Plugin, type RunningGateway } from 'switchyard';
import { softBudgetOf } from '../../../plugins/keys/key-call.ts';
import keys from '../../../plugins/keys/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { captureLog, type LogLine } from '../../helpers/log-capture.ts';
import { startFixedUsageUpstream } from '../../helpers/mock-upstream/fixed-usage.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';
import { createSchema, databaseUrl, dropSchemas, schemaName } from '../../helpers/pg-schema.ts';

// Two gateways sharing PostgreSQL (keys) and Redis (counters): the soft budget reads the shared
// spend, so an instance warns at the call that reaches it whatever instance made the earlier
// calls; which warnings were written is per instance, so each instance warns once per window.

const master = 'sk-soft-two-master-0123456789';
const redisUrl = process.env.REDIS_URL;
const price = { input: 1, output: 2 };
/** The fixed upstream's usage at `price`, nano-USD a call. */
const perCall = 20_000;
const SOFT_MSG = 'keys: soft budget reached (the key keeps working)';

interface Instance {
  gw: RunningGateway;
  lines: LogLine[];
  /** Soft-budget checks ended on this instance (the log stage's last tap). */
  ended: () => number;
}

function probe(): { plugin: Plugin; ended: () => number } {
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

describe.skipIf(redisUrl === undefined || databaseUrl === undefined)('soft_budget across two instances (Redis + PostgreSQL)', () => {
  const schema = schemaName('soft');
  const prefix = `sy-test-soft2-${randomUUID()}:`;
  let upstream: MockServer;
  const instances: Instance[] = [];

  beforeAll(async () => {
    upstream = await startFixedUsageUpstream();
    await createSchema(schema);
    const sep = (databaseUrl as string).includes('?') ? '&' : '?';
    const db = `${databaseUrl}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    for (let i = 0; i < 2; i++) {
      const captured = captureLog('warn');
      const p = probe();
      const gw = await startGateway(
        defineConfig({
          plugins: [
            openai({ apiKey: 'sk-upstream-0000', baseURL: `${upstream.url}/v1` }),
            keys({ masterKey: master, databaseUrl: db, redisUrl: redisUrl as string, redisPrefix: prefix }),
            modelRouting({}),
            p.plugin,
          ],
          models: [{ name: 'fast', deployments: [{ provider: 'openai', model: 'mock-fast', price }] }],
        }),
        { port: 0, host: '127.0.0.1', log: captured.log },
      );
      instances.push({ gw, lines: captured.lines, ended: p.ended });
    }
  });
  afterAll(async () => {
    for (const i of instances) await i.gw.close(1000);
    await upstream?.close();
    const redis = new Redis(redisUrl as string);
    const left = await redis.keys(`${prefix}*`);
    if (left.length > 0) await redis.del(...left);
    await redis.quit();
    await dropSchemas([schema]);
  });

  const expected = [0, 0];
  /** `n` calls on instance `i`; returns once each one's soft-budget check has ended there. */
  const callOn = async (i: number, key: string, n: number): Promise<void> => {
    const inst = instances[i] as Instance;
    const client = new OpenAI({ baseURL: `${inst.gw.url}/v1`, apiKey: key, maxRetries: 0 });
    for (let c = 0; c < n; c++) {
      const answer = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: `call ${c}` }] });
      expect(answer.choices[0]?.message.content).toBe('ok');
      expected[i] = (expected[i] as number) + 1;
      for (let t = 0; inst.ended() < (expected[i] as number); t++) {
        if (t === 500) throw new Error(`instance ${i}: ${inst.ended()} of ${expected[i]} checks ended`);
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  };
  const warnings = (i: number) => (instances[i] as Instance).lines.filter((l) => l.msg === SOFT_MSG);

  test('the shared spend reaches the soft budget on either instance; each instance warns once per window', async () => {
    const a = instances[0] as Instance;
    const made = await fetch(`${a.gw.url}/key/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key_alias: 'shared-soft', soft_budget: (2.5 * perCall) / 1e9 }),
    });
    expect(made.status).toBe(200);
    const key = ((await made.json()) as { key: string }).key;
    // Two calls on A: 40 000, under the 50 000.
    await callOn(0, key, 2);
    expect([warnings(0).length, warnings(1).length]).toEqual([0, 0]);
    // B's first call for this key takes the shared spend to 60 000: B warns, though it alone spent 20 000.
    await callOn(1, key, 1);
    expect(warnings(1).map((l) => l.spend)).toEqual([(3 * perCall) / 1e9]);
    expect(warnings(0)).toHaveLength(0);
    // A has not warned in this window yet: its next call does, once; then neither warns again.
    await callOn(0, key, 1);
    expect(warnings(0).map((l) => l.spend)).toEqual([(4 * perCall) / 1e9]);
    await callOn(0, key, 2);
    await callOn(1, key, 2);
    expect([warnings(0).length, warnings(1).length]).toEqual([1, 1]);
    for (const l of [...a.lines, ...(instances[1] as Instance).lines]) expect(JSON.stringify(l)).not.toContain(key);
  });
});
