import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type ModelGroup, type RunningGateway } from 'switchyard';
import orderedFallback from '../../../plugins/fallback/ordered/index.ts';
import keys from '../../../plugins/keys/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { defaultMockModels, mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';

// `pricing: 'deny'` (operator.md §6): a model without a price is refused for keys (or teams) with
// a budget, since its cost could not be counted against it; everything else is unchanged.

const master = 'sk-pricing-master-key-0123456789';
const models: ModelGroup[] = [
  { name: 'gpt-4o', deployments: [{ provider: 'openai', model: 'gpt-4o' }] },
  // A fine-tune no table knows: unpriced.
  { name: 'house-model', deployments: [{ provider: 'openai', model: 'my-finetune' }] },
  // The same, priced by its deployment's `price` field.
  { name: 'house-priced', deployments: [{ provider: 'openai', model: 'my-finetune', price: { input: 1, output: 2 } }] },
  // Priced itself, but may fall back to the unpriced group.
  { name: 'mixed', deployments: [{ provider: 'openai', model: 'gpt-4o' }], fallbacks: ['house-model'] },
];
let upstream: MockServer;
const dirs: string[] = [];
let deny: RunningGateway;
let allow: RunningGateway;

async function start(pricing: 'deny' | undefined): Promise<RunningGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-pricing-'));
  dirs.push(dataDir);
  return startTestGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }),
        keys({ masterKey: master, dataDir, ...(pricing === undefined ? {} : { pricing }) }),
        modelRouting({}),
        orderedFallback({}),
      ],
      models,
    }),
  );
}

beforeAll(async () => {
  upstream = await startMockOpenAI({ models: [...defaultMockModels, 'my-finetune'] });
  [deny, allow] = await Promise.all([start('deny'), start(undefined)]);
});
afterAll(async () => {
  await Promise.all([deny?.close(1000), allow?.close(1000)]);
  await upstream.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(() => upstream.reset());

async function admin(gw: RunningGateway, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${gw.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Record<string, unknown>;
}
const generate = async (gw: RunningGateway, fields: Record<string, unknown>) => (await admin(gw, '/key/generate', fields)).key as string;
const ask = (gw: RunningGateway, key: string, model: string) =>
  new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 2 }).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

describe("pricing: 'deny'", () => {
  test('a key with a budget: an unpriced model is 403 model_not_priced before any upstream call (no retries by the SDK)', async () => {
    const key = await generate(deny, { max_budget: 5 });
    const refused = ask(deny, key, 'house-model');
    await expect(refused).rejects.toMatchObject({ status: 403, type: 'permission_error', code: 'model_not_priced', param: 'model' });
    await expect(refused).rejects.toThrow(/has no price/);
    // A priced model that may fall back to an unpriced one is refused too: the fallback's cost would escape the budget.
    await expect(ask(deny, key, 'mixed')).rejects.toMatchObject({ status: 403, code: 'model_not_priced' });
    expect(upstream.requests).toHaveLength(0);
    // Priced models (by the shipped table, or a deployment's own `price`) are called as usual.
    expect((await ask(deny, key, 'gpt-4o')).choices[0]?.message.content).toBe('echo: hi');
    expect((await ask(deny, key, 'house-priced')).choices[0]?.message.content).toBe('echo: hi');
    expect(upstream.requests).toHaveLength(2);
  });

  test("a team's budget counts too; keys without any budget, and the master key, may call the unpriced model", async () => {
    const team = (await admin(deny, '/team/new', { team_alias: 'capped', max_budget: 10 })).team_id as string;
    const member = await generate(deny, { team_id: team });
    await expect(ask(deny, member, 'house-model')).rejects.toMatchObject({ status: 403, code: 'model_not_priced' });
    const free = await generate(deny, { rpm_limit: 100 });
    expect((await ask(deny, free, 'house-model')).choices[0]?.message.content).toBe('echo: hi');
    expect((await ask(deny, master, 'house-model')).choices[0]?.message.content).toBe('echo: hi');
    expect(upstream.requests).toHaveLength(2);
  });

  test('the refusal debits nothing: a key with rpm_limit 1 and a budget is still admitted to a priced model after it', async () => {
    const key = await generate(deny, { max_budget: 5, rpm_limit: 1 });
    await expect(ask(deny, key, 'house-model')).rejects.toMatchObject({ status: 403 });
    expect((await ask(deny, key, 'gpt-4o')).choices[0]?.message.content).toBe('echo: hi');
  });
});

describe('pricing by default (allow)', () => {
  test('a budgeted key calls the unpriced model; its spend row has cost null, never $0', async () => {
    const key = await generate(allow, { key_alias: 'unpriced-ok', max_budget: 5 });
    expect((await ask(allow, key, 'house-model')).choices[0]?.message.content).toBe('echo: hi');
    let rows: { spend: number | null; status: string; total_tokens: number }[] = [];
    const deadline = Date.now() + 10_000;
    while (rows.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      rows = (await admin(allow, '/spend/logs/v2?key_alias=unpriced-ok')).data as typeof rows;
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'success', spend: null });
    expect(rows[0]?.total_tokens).toBeGreaterThan(0);
  });
});
