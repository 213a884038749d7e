import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../../plugins/fallback/ordered/index.ts';
import metrics from '../../../plugins/metrics/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { startFixedUsageUpstream } from '../../helpers/mock-upstream/fixed-usage.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';
import { parsePromText, samplesOf } from '../../helpers/prom-text.ts';

const key = 'sk-master-serve-0123456789';
let upstream: MockServer;

beforeAll(async () => {
  upstream = await startFixedUsageUpstream();
});
afterAll(() => upstream?.close());

const gatewayWith = (options: Parameters<typeof metrics>[0]): Promise<RunningGateway> =>
  startTestGateway(
    defineConfig({
      plugins: [openai({ apiKey: 'sk-upstream-0000', baseURL: `${upstream.url}/v1` }), masterKey({ key }), modelRouting({}), orderedFallback({}), metrics(options)],
      models: [{ name: 'fast', deployments: [{ provider: 'openai', model: 'mock-fast' }] }],
    }),
  );

const chat = async (gw: RunningGateway): Promise<void> => {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
};

/** The requests counted on a metrics page, once the log stage has run for `calls` of them. */
async function requestsCounted(url: string, calls: number, headers: Record<string, string> = {}): Promise<number> {
  for (let i = 0; ; i++) {
    const res = await fetch(url, { headers });
    expect(res.status).toBe(200);
    const counted = samplesOf(parsePromText(await res.text()).samples, 'switchyard_requests_total').reduce((n, s) => n + s.value, 0);
    if (counted === calls || i === 200) return counted;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('where /metrics is served', () => {
  test('auth: false serves it to anyone on the gateway port', async () => {
    const gw = await gatewayWith({ auth: false });
    try {
      const res = await fetch(`${gw.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect((await fetch(`${gw.url}/v1/models`)).status).toBe(401);
    } finally {
      await gw.close(1000);
    }
  });

  test('port: its own listener without auth instead of the gateway route, closed with the gateway', async () => {
    const port = await freePort();
    const gw = await gatewayWith({ port });
    const url = `http://127.0.0.1:${port}/metrics`;
    try {
      await chat(gw);
      expect(await requestsCounted(url, 1)).toBe(1);
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
      expect((await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
    } finally {
      await gw.close(1000);
    }
    await expect(fetch(url)).rejects.toThrow();
  });

  test('two gateways in one process keep their own series', async () => {
    const [a, b] = await Promise.all([gatewayWith({}), gatewayWith({})]);
    try {
      const auth = { authorization: `Bearer ${key}` };
      await chat(a);
      await chat(a);
      await chat(b);
      expect(await requestsCounted(`${a.url}/metrics`, 2, auth)).toBe(2);
      expect(await requestsCounted(`${b.url}/metrics`, 1, auth)).toBe(1);
    } finally {
      await Promise.all([a.close(1000), b.close(1000)]);
    }
  });
});
