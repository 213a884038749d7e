import { describe, expect, test } from 'vitest';
import { defineConfig, MemoryState, startGateway } from 'switchyard';
import { balancedGroup, orderGroup, resolveGroups } from '../../../../plugins/routing/models/index.ts';
import { weightedStrategy } from '../../../../plugins/routing/weighted/index.ts';
import openai from '../../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../../plugins/routing/models/index.ts';
import { createRootLogger } from '../../../../core/log.ts';
import { chatInput } from '../../../helpers/candidates.ts';
import { seededRandom } from '../../../helpers/clock.ts';

const now = 1_700_000_000_000;
const d = (model: string, extra: Record<string, unknown> = {}) => ({ provider: 'openai', model, ...extra });
const group = (deployments: ReturnType<typeof d>[], routing?: string) =>
  resolveGroups([{ name: 'g', deployments, ...(routing ? { routing } : {}) }], {}).get('g')!;
const ordered = async (state: MemoryState, g: ReturnType<typeof group>, strategy = undefined as ReturnType<typeof weightedStrategy> | undefined) =>
  orderGroup(balancedGroup(g, strategy), state, now, 60_000, chatInput());

describe('route plan for a group: tiers, capacity, cooldowns', () => {
  test('lower tiers come only after every higher-tier deployment; cooling ones are left out', async () => {
    const state = new MemoryState();
    const g = group([d('a', { tier: 1 }), d('b', { tier: 0 }), d('c', { tier: 0 })]);
    expect((await ordered(state, g)).deployments.map((x) => x.id)).toEqual(['g#1', 'g#2', 'g#0']);
    await state.setCooldown('g#1', { now, until: now + 30_000, reason: 'x', halfOpenMs: 60_000 });
    await state.setCooldown('g#2', { now, until: now + 10_000, reason: 'x', halfOpenMs: 60_000 });
    const o = await ordered(state, g);
    expect(o.deployments.map((x) => x.id)).toEqual(['g#0']);
    expect(o.coolingUntil).toBe(now + 10_000);
  });

  test('config order with nothing cooling is the order built at start-up; a cooldown still leaves its deployment out', async () => {
    const state = new MemoryState();
    const b = balancedGroup(group([d('a'), d('b')]), undefined);
    const first = await orderGroup(b, state, now, 60_000, chatInput());
    expect(first.deployments.map((x) => x.id)).toEqual(['g#0', 'g#1']);
    expect(await orderGroup(b, state, now, 60_000, chatInput())).toBe(first);
    await state.setCooldown('g#0', { now, until: now + 30_000, reason: 'x', halfOpenMs: 60_000 });
    const cooled = await orderGroup(b, state, now, 60_000, chatInput());
    expect(cooled.deployments.map((x) => x.id)).toEqual(['g#1']);
    expect(cooled.coolingUntil).toBe(now + 30_000);
    await state.clearCooldown('g#0');
    expect(await orderGroup(b, state, now, 60_000, chatInput())).toBe(first);
  });

  test('at capacity (maxConcurrent, rpm, tpm) is skipped, not called', async () => {
    const state = new MemoryState();
    const g = group([d('a', { maxConcurrent: 1 }), d('b', { rpm: 2 }), d('c', { tpm: 100 }), d('d')]);
    await state.acquire('g#0', 1000);
    await state.addUsage('g#1', now, 2, 0);
    await state.addUsage('g#2', now, 1, 150);
    const o = await ordered(state, g);
    expect(o.deployments.map((x) => x.id)).toEqual(['g#3']);
    expect(o.atCapacity).toBe(true);
  });

  test('a half-open deployment goes first for the one request that wins its probe, and is skipped by others', async () => {
    const state = new MemoryState();
    const g = group([d('a'), d('b')]);
    await state.setCooldown('g#1', { now: now - 40_000, until: now - 10_000, reason: 'x', halfOpenMs: 60_000 });
    const first = await ordered(state, g);
    expect(first.deployments.map((x) => x.id)).toEqual(['g#1', 'g#0']);
    expect(first.probes).toEqual(['g#1']);
    const second = await ordered(state, g);
    expect(second.deployments.map((x) => x.id)).toEqual(['g#0']);
  });

  test('the strategy orders within a tier: weighted 3:1 over 2,000 route decisions', async () => {
    const state = new MemoryState();
    const g = group([d('a', { weight: 3 }), d('b', { weight: 1 }), d('z', { tier: 1, weight: 100 })], 'weighted');
    const strategy = weightedStrategy(seededRandom(3));
    let a = 0;
    for (let i = 0; i < 2000; i++) {
      const o = await ordered(state, g, strategy);
      if (o.deployments[0]?.id === 'g#0') a++;
      expect(o.deployments[2]?.id).toBe('g#2');
    }
    expect(Math.abs(a / 2000 - 0.75)).toBeLessThan(0.05);
  });
});

test('a group naming a strategy no plugin registered fails start-up with its path', async () => {
  const config = defineConfig({
    plugins: [openai({ apiKey: 'sk-x', baseURL: 'http://127.0.0.1:9/v1' }), modelRouting({})],
    models: [{ name: 'g', routing: 'weighted', deployments: [d('gpt-4o')] }],
  });
  await expect(startGateway(config, { port: 0, host: '127.0.0.1', log: createRootLogger({ level: 'silent', sync: true }) })).rejects.toMatchObject({
    problems: [expect.objectContaining({ path: 'models[0].routing' })],
  });
});
