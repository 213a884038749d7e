import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type Outcome, type Plugin, type RunningGateway } from 'switchyard';
import orderedFallback from '../../../plugins/fallback/ordered/index.ts';
import anthropic from '../../../plugins/providers/anthropic/index.ts';
import azure from '../../../plugins/providers/azure/index.ts';
import bedrock from '../../../plugins/providers/bedrock/index.ts';
import cohere from '../../../plugins/providers/cohere/index.ts';
import gemini from '../../../plugins/providers/gemini/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { mockAwsCredentials } from '../../helpers/mock-upstream/bedrock.ts';
import { chunkOf, startMockServer, type Handler, type MockServer } from '../../helpers/mock-upstream/server.ts';

/**
 * #12.1 and #12.2: a 200 answer to a stream request that is no stream (an HTML page, an error
 * envelope), and an OpenAI-wire stream cut off before its end, must fail — before the first byte
 * (retried, then an envelope) or with a final error event — never pass for an empty or partial
 * success ending in `[DONE]`.
 */
const outcomes: Outcome[] = [];
const capture: Plugin = {
  name: 'capture-outcomes',
  setup(gateway) {
    gateway.hooks.log.tapPromise('capture-outcomes', async (_ctx, outcome) => {
      outcomes.push(outcome);
    });
  },
};

/** Every wire format the gateway streams, as the model group that reaches it. */
const wires = ['openai', 'groq', 'azure', 'anthropic', 'gemini', 'cohere', 'bedrock'] as const;

const html: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
};
const jsonError: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  // Shaped so each provider's error reader finds the message (OpenAI/Google `error.message`, Cohere/Bedrock `message`).
  res.end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'upstream says no' }, message: 'upstream says no' }));
};
const sse = (res: ServerResponse, events: readonly string[]): void => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(events.map((e) => `data: ${e}\n\n`).join(''));
};

let upstream: MockServer;
let gw: RunningGateway;
beforeAll(async () => {
  upstream = await startMockServer(html);
  const key = 'mock-key-0123456789';
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: key, baseURL: `${upstream.url}/v1` }),
        openai({ preset: 'groq', apiKey: key, baseURL: `${upstream.url}/groq/v1` }),
        azure({ endpoint: upstream.url, apiKey: key }),
        anthropic({ apiKey: key, baseURL: upstream.url }),
        gemini({ apiKey: key, baseURL: upstream.url }),
        cohere({ apiKey: key, baseURL: upstream.url }),
        bedrock({ ...mockAwsCredentials, region: 'us-east-1', baseURL: upstream.url }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1 }),
        capture,
      ],
      models: [
        { name: 'openai', deployments: [{ provider: 'openai', model: 'gpt-4o' }], maxAttempts: 2 },
        { name: 'groq', deployments: [{ provider: 'groq', model: 'llama-3.3-70b-versatile' }], maxAttempts: 2 },
        { name: 'azure', deployments: [{ provider: 'azure', model: 'gpt-4o-deployment' }], maxAttempts: 2 },
        { name: 'anthropic', deployments: [{ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' }], maxAttempts: 2 },
        { name: 'gemini', deployments: [{ provider: 'gemini', model: 'gemini-2.0-flash' }], maxAttempts: 2 },
        { name: 'cohere', deployments: [{ provider: 'cohere', model: 'command-a-03-2025' }], maxAttempts: 2 },
        { name: 'bedrock', deployments: [{ provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20240620-v1:0' }], maxAttempts: 2 },
      ],
    }),
  );
});
afterAll(async () => {
  await gw?.close(100);
  await upstream?.close();
});
beforeEach(() => {
  upstream.reset();
  outcomes.length = 0;
});

const streamChat = (model: string): Promise<Response> =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('#12.1 a 200 answer to a stream request that is not a stream fails the call', () => {
  for (const wire of wires) {
    test(`${wire}: an HTML page is retried, then answered with a 502 envelope, not an empty stream`, async () => {
      upstream.override(html, 2);
      const res = await streamChat(wire);
      expect(res.status).toBe(502);
      const body = (await res.json()) as { error: { message: string; code: string } };
      expect(body.error.code).toBe('upstream_invalid_response');
      expect(body.error.message).toMatch(/not an event stream/);
      expect(upstream.requests).toHaveLength(2);
      expect(outcomes[0]?.error?.status).toBe(502);
    });

    test(`${wire}: a JSON error body is translated as an error status would be`, async () => {
      upstream.override(jsonError, 2);
      const res = await streamChat(wire);
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.headers.get('content-type')).toMatch(/json/);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toContain('upstream says no');
      expect(upstream.requests).toHaveLength(2);
    });
  }

  test('an error envelope naming its own status keeps it (a Google-style 429 is rate limiting)', async () => {
    upstream.override((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify([{ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota' } }]));
    }, 2);
    const res = await streamChat('gemini');
    expect(res.status).toBe(429);
  });

  test('the retry after a non-stream answer serves the client the real stream', async () => {
    upstream.override(html, 1);
    upstream.override((_req, res) => sse(res, [JSON.stringify(chunkOf('hello')), JSON.stringify({ ...chunkOf(''), choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }), '[DONE]']), 1);
    const res = await streamChat('openai');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('hello');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(upstream.requests).toHaveLength(2);
  });
});

describe('#12.2 an OpenAI-wire stream cut off before its end is not complete', () => {
  for (const wire of ['openai', 'groq', 'azure'] as const) {
    test(`${wire}: no [DONE] and no finish_reason → a final error event, no [DONE], logged as a failure`, async () => {
      upstream.override((_req, res) => sse(res, [JSON.stringify(chunkOf('partial ')), JSON.stringify(chunkOf('answer'))]), 2);
      const res = await streamChat(wire);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('partial ');
      expect(text).not.toContain('data: [DONE]');
      const last = text.trim().split('\n\n').at(-1) as string;
      const event = JSON.parse(last.slice('data: '.length)) as { error?: { code?: string; message?: string } };
      expect(event.error?.code).toBe('upstream_invalid_response');
      expect(event.error?.message).toMatch(/cut off/);
      // The client had bytes: no retry.
      expect(upstream.requests).toHaveLength(1);
      await expect.poll(() => outcomes.length).toBe(1);
      expect(outcomes[0]?.error?.extra.code).toBe('upstream_invalid_response');
      expect(outcomes[0]?.result).toBeUndefined();
    });
  }

  test('a stream with a finish_reason but no [DONE] is complete (servers that omit [DONE])', async () => {
    upstream.override((_req, res) => sse(res, [JSON.stringify(chunkOf('whole')), JSON.stringify({ ...chunkOf(''), choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })]));
    const res = await streamChat('openai');
    const text = await res.text();
    expect(text).toContain('whole');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).not.toContain('"error"');
  });

  test('an empty event stream (no events at all) fails before the first byte and is retried', async () => {
    upstream.override((_req, res) => sse(res, []), 2);
    const res = await streamChat('openai');
    expect(res.status).toBe(502);
    expect(upstream.requests).toHaveLength(2);
  });
});
