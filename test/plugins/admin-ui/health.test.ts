import { expect, test } from 'vitest';
import { MemoryState } from 'switchyard';
import { configuredDeployments, healthAnswer } from '../../../plugins/admin-ui/health.ts';
import { DeploymentRates } from '../../../plugins/admin-ui/request-rate.ts';

const T = Date.UTC(2026, 2, 18, 12, 0, 0);
const rate = { total: 0, failed_total: 0, last_minute: 0, failed_last_minute: 0, per_second: [] };

test('configured deployments are named group#index; open, half-open and unknown cooldowns are reported', async () => {
  const state = new MemoryState();
  const deployments = configuredDeployments([
    { name: 'smart', deployments: [{ provider: 'openai', model: 'gpt-4o' }, { provider: 'anthropic', model: 'claude-3-5-sonnet' }] },
    { name: 'fast', deployments: [{ provider: 'groq', model: 'llama' }] },
  ]);
  expect(deployments.map((d) => d.id)).toEqual(['smart#0', 'smart#1', 'fast#0']);
  await state.setCooldown('smart#1', { now: T, until: T + 30_000, reason: 'upstream 500', halfOpenMs: 60_000 });
  await state.setCooldown('fast#0', { now: T - 40_000, until: T - 10_000, reason: 'timeout', halfOpenMs: 60_000 });
  await state.setCooldown('openai/gpt-4o-mini', { now: T, until: T + 5_000, reason: 'rate limited', halfOpenMs: 60_000 });
  await state.acquire('smart#0', 60_000);
  const perDeployment = new DeploymentRates();
  for (const failed of [false, false, true]) perDeployment.record('smart#0', T - 2_000, failed);
  perDeployment.record('smart#1', T - 70_000, true);
  const answer = await healthAnswer(state, deployments, { requests: rate, deployments: perDeployment }, T);
  expect(answer.at).toBe(new Date(T).toISOString());
  expect(answer.state).toBe('memory');
  expect(answer.requests).toBe(rate);
  expect(answer.deployments.map((d) => [d.id, d.state, d.until, d.reason, d.in_flight, d.attempts_last_minute, d.failed_last_minute])).toEqual([
    ['smart#0', 'closed', null, null, 1, 3, 1],
    ['smart#1', 'open', new Date(T + 30_000).toISOString(), 'upstream 500', 0, 0, 0],
    ['fast#0', 'half-open', new Date(T - 10_000).toISOString(), 'timeout', 0, 0, 0],
  ]);
  expect(answer.other_cooldowns).toEqual([{ id: 'openai/gpt-4o-mini', state: 'open', until: new Date(T + 5_000).toISOString(), reason: 'rate limited' }]);
  await state.close();
});
