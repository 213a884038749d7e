import { afterAll, beforeAll, expect, test } from 'vitest';
import { defineConfig, definePlugin, defineProvider, type CreateEmbeddingResponse, type RunningGateway } from 'switchyard';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { sendJson, startMockServer, type MockServer } from '../../helpers/mock-upstream/server.ts';

/** A provider that embeds one input per call, like Titan: the core splits and merges batches. */
let inFlight = 0;
let peak = 0;
let upstream: MockServer;
let gw: RunningGateway;

const oneAtATime = definePlugin(() => ({
  name: 'one-at-a-time',
  setup(api) {
    api.providers.register(
      defineProvider({
        id: 'single',
        request: () => ({ url: `${upstream.url}/embed`, headers: { 'content-type': 'application/json' } }),
        errorInfo: (status) => ({ message: `status ${status}` }),
        embeddings: {
          maxBatch: 1,
          toRequest: (req) => ({ text: Array.isArray(req.input) ? req.input[0] : req.input }),
          fromResponse: (res: { vector: number[] }, target): CreateEmbeddingResponse => ({
            object: 'list',
            model: target.model,
            data: [{ object: 'embedding', index: 0, embedding: res.vector }],
            usage: { prompt_tokens: 1, total_tokens: 1 },
          }),
        },
      }),
    );
  },
}));

beforeAll(async () => {
  upstream = await startMockServer(async (req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, 15));
    inFlight--;
    sendJson(res, 200, { vector: [Number((req.json as { text: string }).text)] });
  });
  gw = await startTestGateway(defineConfig({ plugins: [oneAtATime(), modelRouting({})] }));
});
afterAll(async () => {
  await gw.close(100);
  await upstream.close();
});

test('a large batch is split, at most 8 calls in flight, merged in order, base64 when asked', async () => {
  const input = Array.from({ length: 30 }, (_, i) => String(i));
  const res = await fetch(`${gw.url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'single/e', input }),
  });
  const body = (await res.json()) as CreateEmbeddingResponse;
  expect(body.data.map((d) => [d.index, d.embedding[0]])).toEqual(input.map((x, i) => [i, Number(x)]));
  expect(body.usage.total_tokens).toBe(30);
  expect(upstream.requests).toHaveLength(30);
  expect(peak).toBeGreaterThan(1);
  expect(peak).toBeLessThanOrEqual(8);

  const encoded = await fetch(`${gw.url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'single/e', input: ['7', '9'], encoding_format: 'base64' }),
  });
  const b64 = (await encoded.json()) as { data: { embedding: string }[] };
  const floats = b64.data.map((d) => new Float32Array(Uint8Array.from(Buffer.from(d.embedding, 'base64')).buffer)[0]);
  expect(floats).toEqual([7, 9]);
});
