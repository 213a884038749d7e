import { afterAll, beforeAll, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import metrics from '../../../plugins/metrics/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { startFixedUsageUpstream } from '../../helpers/mock-upstream/fixed-usage.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';
import { parsePromText, samplesOf, valueOf } from '../../helpers/prom-text.ts';

let upstream: MockServer;
let gw: RunningGateway;

beforeAll(async () => {
  upstream = await startFixedUsageUpstream();
  gw = await startTestGateway(
    defineConfig({
      plugins: [openai({ apiKey: 'sk-upstream-0000', baseURL: `${upstream.url}/v1` }), modelRouting({}), metrics({})],
      models: [{ name: 'fast', deployments: [{ provider: 'openai', model: 'mock-fast' }] }],
    }),
  );
});
afterAll(async () => {
  await gw?.close(1000);
  await upstream?.close();
});

test("a stream whose client did not ask for usage still counts its tokens, and the client gets no usage chunk", async () => {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fast', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  const text = await res.text();
  expect(res.status).toBe(200);
  expect(text).not.toContain('"usage"');
  expect((upstream.requests[0]?.json as { stream_options?: unknown }).stream_options).toEqual({ include_usage: true });
  for (let i = 0; i < 200; i++) {
    const samples = parsePromText(await (await fetch(`${gw.url}/metrics`)).text()).samples;
    if (samplesOf(samples, 'switchyard_requests_total').length > 0) {
      expect(valueOf(samples, 'switchyard_tokens_total', { type: 'input', model: 'fast', provider: 'openai' })).toBe(6);
      expect(valueOf(samples, 'switchyard_tokens_total', { type: 'reasoning', model: 'fast', provider: 'openai' })).toBe(2);
      return;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the call was never counted');
});
