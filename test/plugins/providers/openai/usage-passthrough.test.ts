import { afterAll, beforeAll, expect, test } from 'vitest';
import { defineConfig, definePlugin, type RunningGateway, type Usage } from 'switchyard';
import openai from '../../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../../helpers/gateway.ts';
import { sendJson, startMockServer, type MockServer } from '../../../helpers/mock-upstream/server.ts';

/*
 * OpenAI's wire already has the canonical meaning (`prompt_tokens` with the cached part inside,
 * `completion_tokens` with reasoning inside): the usage passes through untouched, to the client
 * and to the `log` stage (`ctx.usage`, what spend is computed from), streamed or not.
 */
const usage: Usage = {
  prompt_tokens: 2000,
  completion_tokens: 900,
  total_tokens: 2900,
  prompt_tokens_details: { cached_tokens: 1536, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 640, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};
const base = { id: 'chatcmpl-u', created: 1_700_000_000, model: 'o4-mini-2025-04-16' };

/** The `log` stage runs after the answer is sent: each test waits for its request's turn there. */
let logged: (usage: Usage | undefined) => void = () => undefined;
const nextLogged = () => new Promise<Usage | undefined>((resolve) => (logged = resolve));
const capture = definePlugin(() => ({
  name: 'test-usage-capture',
  setup(gateway) {
    gateway.hooks.log.tapPromise('test-usage-capture', async (ctx) => logged(ctx.usage));
  },
}))();

let upstream: MockServer;
let gw: RunningGateway;

beforeAll(async () => {
  upstream = await startMockServer((req, res) => {
    if ((req.json as { stream?: boolean }).stream !== true) {
      sendJson(res, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'ok', refusal: null }, logprobs: null, finish_reason: 'stop' }], usage });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (extra: Record<string, unknown>) => `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', ...extra })}\n\n`;
    res.write(chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'ok' }, finish_reason: null }] }));
    res.write(chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
    res.write(chunk({ choices: [], usage }));
    res.end('data: [DONE]\n\n');
  });
  gw = await startTestGateway(defineConfig({ plugins: [openai({ apiKey: 'sk-test', baseURL: `${upstream.url}/v1` }), modelRouting(), capture] }));
});

afterAll(async () => {
  await gw.close(500);
  await upstream.close();
});

const post = (body: Record<string, unknown>) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'o4-mini', messages: [{ role: 'user', content: 'hi' }], ...body }),
  });

test('non-streamed: the client and ctx.usage get the upstream usage unchanged', async () => {
  const inLog = nextLogged();
  const res = await post({});
  expect(((await res.json()) as { usage: Usage }).usage).toEqual(usage);
  expect(await inLog).toEqual(usage);
});

test('streamed with include_usage: the usage chunk passes through and becomes ctx.usage', async () => {
  const inLog = nextLogged();
  const res = await post({ stream: true, stream_options: { include_usage: true } });
  const text = await res.text();
  const last = text
    .split('\n\n')
    .filter((e) => e.startsWith('data: {'))
    .map((e) => JSON.parse(e.slice(6)) as { usage?: Usage })
    .at(-1);
  expect(last?.usage).toEqual(usage);
  expect(await inLog).toEqual(usage);
});
