import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, definePlugin, GatewayError, type ChatRequest, type InboundFormat, type RunningGateway, type StreamEncoder } from 'switchyard';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';

/** What the format under test does at the end of a stream: finish late, or fail while finishing. */
let endWith: 'late-frame' | 'reject' = 'late-frame';

/** A stream encoder whose `end()` settles only on a later turn of the event loop. */
class LateEndEncoder implements StreamEncoder {
  #text = '';
  start(): string {
    return 'event: start\n\n';
  }
  chunk(chunk: { choices: { delta?: { content?: string | null } }[] }): string {
    this.#text += chunk.choices[0]?.delta?.content ?? '';
    return '';
  }
  async end(): Promise<string> {
    await nextTurn();
    if (endWith === 'reject') throw new GatewayError(503, 'service_unavailable_error', 'store down', { code: 'store_down' });
    return `event: end\ndata: ${JSON.stringify({ text: this.#text })}\n\n`;
  }
  fail(error: GatewayError): string {
    return `event: failed\ndata: ${JSON.stringify({ code: error.extra.code })}\n\n`;
  }
}

/** `{model, say, stream}` → chat; answers `{said}`, settled on a later turn (as a format that stores first would). */
const lateFormat: InboundFormat = {
  name: 'late',
  decode: (body): ChatRequest => {
    const { model, say, stream } = body as { model: string; say: string; stream?: boolean };
    return { model, messages: [{ role: 'user', content: say }], ...(stream === true ? { stream: true } : {}) };
  },
  async encode(result) {
    await nextTurn();
    if (result.choices[0]?.message.content === 'echo: reject') throw new GatewayError(503, 'service_unavailable_error', 'store down', { code: 'store_down' });
    return { said: result.choices[0]?.message.content };
  },
  encodeStream: () => new LateEndEncoder(),
  errors: (error) => ({ status: error.status, body: { failed: error.extra.code } }),
};

const lateRoute = definePlugin(() => ({
  name: 'late-format',
  setup: (gateway) => gateway.route({ method: 'POST', path: '/late', inbound: lateFormat }),
}));

let upstream: MockServer;
let gw: RunningGateway;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startTestGateway(
    defineConfig({
      plugins: [openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }), modelRouting({}), lateRoute()],
      models: [{ name: 'm', deployments: [{ provider: 'openai', model: 'gpt-4o' }] }],
    }),
  );
});
afterAll(async () => {
  await gw.close(1000);
  await upstream.close();
});
beforeEach(() => {
  endWith = 'late-frame';
});

const post = (body: unknown) => fetch(`${gw.url}/late`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('inbound formats whose encoding is async', () => {
  test('a complete answer is written once encode settles', async () => {
    const res = await post({ model: 'm', say: 'hello' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ said: 'echo: hello' });
  });

  test("a rejected encode is answered in the format's envelope", async () => {
    const res = await post({ model: 'm', say: 'reject' });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ failed: 'store_down' });
  });

  test("a stream's last frames are written once end() settles", async () => {
    const res = await post({ model: 'm', say: 'a longer sentence', stream: true });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(await res.text()).toBe(`event: start\n\nevent: end\ndata: ${JSON.stringify({ text: 'echo: a longer sentence' })}\n\n`);
  });

  test('a rejected end() fails the stream with the encoder’s own last frames', async () => {
    endWith = 'reject';
    const res = await post({ model: 'm', say: 'x', stream: true });
    expect(await res.text()).toBe(`event: start\n\nevent: failed\ndata: ${JSON.stringify({ code: 'store_down' })}\n\n`);
  });
});
