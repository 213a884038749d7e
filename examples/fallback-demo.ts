/**
 * A model group with two deployments, one of which is down: the client never notices.
 *
 *   npx tsx examples/fallback-demo.ts
 *
 * Starts two tiny OpenAI-compatible servers on loopback (one answers 503 to everything), a
 * gateway in front of them with weighted routing and the resilient fallback, and sends ten
 * requests through the official `openai` SDK (with its own retries off). Every request
 * succeeds; the log shows the failing deployment cooling down after three failures, after which
 * it is not called at all.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { defineConfig, startGateway } from 'switchyard';
import resilient from '../plugins/fallback/resilient/index.ts';
import openai from '../plugins/providers/openai/index.ts';
import modelRouting from '../plugins/routing/models/index.ts';
import weighted from '../plugins/routing/weighted/index.ts';

/** A minimal chat-completions server: healthy ones answer, the broken one says 503. */
function upstream(name: string, healthy: boolean): Promise<{ server: Server; url: string; calls: () => number }> {
  let calls = 0;
  const server = createServer((req, res) => {
    calls++;
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (!healthy) {
        res.statusCode = 503;
        res.end(JSON.stringify({ error: { message: `${name} is down`, type: 'server_error', param: null, code: null } }));
        return;
      }
      res.end(JSON.stringify({
        id: 'chatcmpl-demo', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: 'demo',
        choices: [{ index: 0, message: { role: 'assistant', content: `hello from ${name}` }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
      }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/v1`, calls: () => calls });
    }),
  );
}

const down = await upstream('eu-region', false);
const up = await upstream('us-region', true);

const gateway = await startGateway(
  defineConfig({
    plugins: [
      openai({ apiKey: 'sk-demo-upstream' }),
      modelRouting({}),
      weighted({}),
      resilient({ retries: 1, baseDelayMs: 50, cooldown: { failures: 3, seconds: 30 } }),
    ],
    models: [
      {
        name: 'smart',
        routing: 'weighted',
        deployments: [
          { provider: 'openai', model: 'gpt-4o', baseURL: down.url },
          { provider: 'openai', model: 'gpt-4o', baseURL: up.url },
        ],
      },
    ],
  }),
  { port: 0, host: '127.0.0.1' },
);

const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused-without-master-key', maxRetries: 0 });
for (let i = 1; i <= 10; i++) {
  const { data, response } = await client.chat.completions
    .create({ model: 'smart', messages: [{ role: 'user', content: `request ${i}` }] })
    .withResponse();
  process.stdout.write(`#${i}: "${data.choices[0]?.message.content}" after ${response.headers.get('x-switchyard-attempts')} attempt(s)\n`);
}
process.stdout.write(`\nthe broken deployment was called ${down.calls()} times, the healthy one ${up.calls()} times; the client saw no error\n`);

await gateway.close(500);
down.server.close();
up.server.close();
