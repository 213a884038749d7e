import { afterAll, beforeAll, expect, test } from 'vitest';
import { defineConfig, definePlugin, type RunningGateway, type SharedState } from 'switchyard';
import metrics, { DeploymentState } from '../../../plugins/metrics/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { parsePromText, samplesOf } from '../../helpers/prom-text.ts';

let gw: RunningGateway;
let state: SharedState | undefined;

/** Hands the test the gateway's shared state, where the fallback plugins keep cooldowns. */
const stateProbe = definePlugin(() => ({
  name: 'state-probe',
  setup(gateway) {
    state = gateway.state;
  },
}));

beforeAll(async () => {
  gw = await startTestGateway(
    defineConfig({
      plugins: [openai({ apiKey: 'sk-upstream-0000', baseURL: 'http://127.0.0.1:9/v1' }), modelRouting({}), stateProbe(), metrics({})],
      models: [
        { name: 'smart', deployments: [{ provider: 'openai', model: 'big' }, { provider: 'openai', model: 'bigger' }, { provider: 'openai', model: 'biggest' }] },
        { name: 'fast', deployments: [{ provider: 'openai', model: 'small' }] },
      ],
    }),
  );
});
afterAll(() => gw?.close(1000));

const states = async (): Promise<(string | number | undefined)[][]> => {
  const res = await fetch(`${gw.url}/metrics`);
  expect(res.status).toBe(200);
  return samplesOf(parsePromText(await res.text()).samples, 'switchyard_deployment_state').map((s) => [s.labels.deployment, s.labels.provider, s.labels.model, s.value]);
};

test('every configured deployment: healthy, down while cooling down, cooling while half-open; read at each scrape', async () => {
  expect(await states()).toEqual([
    ['smart#0', 'openai', 'big', 0],
    ['smart#1', 'openai', 'bigger', 0],
    ['smart#2', 'openai', 'biggest', 0],
    ['fast#0', 'openai', 'small', 0],
  ]);
  const now = Date.now();
  const s = state as SharedState;
  await s.setCooldown('smart#0', { now, until: now + 60_000, reason: 'test', halfOpenMs: 60_000 });
  await s.setCooldown('smart#2', { now: now - 2_000, until: now - 1_000, reason: 'test', halfOpenMs: 60_000 });
  // A client-made deployment in cooldown has no series: its name is the client's.
  await s.setCooldown('openai/whatever-a-client-sent', { now, until: now + 60_000, reason: 'test', halfOpenMs: 60_000 });
  expect(await states()).toEqual([
    ['smart#0', 'openai', 'big', DeploymentState.down],
    ['smart#1', 'openai', 'bigger', DeploymentState.healthy],
    ['smart#2', 'openai', 'biggest', DeploymentState.cooling],
    ['fast#0', 'openai', 'small', DeploymentState.healthy],
  ]);
  expect(DeploymentState).toEqual({ healthy: 0, cooling: 1, down: 2 });
  await s.clearCooldown('smart#0');
  expect((await states())[0]).toEqual(['smart#0', 'openai', 'big', 0]);
});
