import { afterAll, beforeAll, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import cohere from '../../../plugins/providers/cohere/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { startMockServer, type MockServer } from '../../helpers/mock-upstream/server.ts';

/**
 * An error event inside a stream carries the provider's own text. A provider that echoes the key
 * it was sent (a misconfigured proxy, say) must not get it to the client: the key has no
 * well-known shape here, so only scrubbing the exact secret we sent can catch it.
 */
const key = 'plain-secret-0123456789';

let upstream: MockServer;
let gw: RunningGateway;
beforeAll(async () => {
  upstream = await startMockServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const message = `bad key ${key}`;
    if (req.url.startsWith('/v2/chat')) res.end(`event: message-end\ndata: ${JSON.stringify({ type: 'message-end', delta: { error: message } })}\n\n`);
    else res.end(`event: error\ndata: ${JSON.stringify({ error: { message, type: 'server_error' } })}\n\n`);
  });
  gw = await startTestGateway(
    defineConfig({
      plugins: [openai({ apiKey: key, baseURL: `${upstream.url}/v1` }), cohere({ apiKey: key, baseURL: upstream.url }), modelRouting({})],
      models: [
        { name: 'pass', deployments: [{ provider: 'openai', model: 'gpt-4o' }] },
        { name: 'translated', deployments: [{ provider: 'cohere', model: 'command-a-03-2025' }] },
      ],
    }),
  );
});
afterAll(async () => {
  await gw?.close(100);
  await upstream?.close();
});

for (const model of ['pass', 'translated']) {
  test(`an in-stream error event does not carry the upstream key to the client (${model})`, async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = await res.text();
    expect(text).toContain('bad key [redacted]');
    expect(text).not.toContain(key);
  });
}
