import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';
import { rawExchange, type RawExchange } from '../../helpers/raw-http.ts';

// Issue #12.8: refusals made below the application (Node's HTTP parser and timeouts) were bare
// status lines, and a body over the limit sent chunked got a TCP reset instead of the 413. Each is
// an OpenAI envelope the client can read, on a connection closed without a reset.

const bodyLimit = 64 * 1024;
let upstream: MockServer;
let gw: RunningGateway;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startTestGateway(
    defineConfig({
      server: { bodyLimit, headersTimeoutMs: 500, requestTimeoutMs: 1_000 },
      plugins: [openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }), modelRouting({})],
    }),
  );
});
afterAll(async () => {
  await gw.close(100);
  await upstream.close();
});

function expectEnvelope(reply: RawExchange, status: number, code: string): void {
  expect(reply.status, reply.head).toBe(status);
  expect(reply.error).toBeUndefined();
  expect(reply.head.toLowerCase()).toContain('content-type: application/json');
  expect(reply.head.toLowerCase()).toContain('x-request-id: ');
  const body = JSON.parse(reply.body) as { error: { message: string; type: string; param: unknown; code: string } };
  expect(body.error).toEqual({ message: expect.any(String), type: 'invalid_request_error', param: null, code });
}

const head = (lines: readonly string[]): string => `${lines.join('\r\n')}\r\n\r\n`;
const chatHead = (extra: readonly string[]) =>
  head(['POST /v1/chat/completions HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: application/json', ...extra]);
const bigBody = (bytes: number): string =>
  JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(bytes) }] });

describe("Node's refusals carry the envelope", () => {
  test('an oversized request head → 431 envelope, read without a reset', async () => {
    const reply = await rawExchange(gw.port, [head(['GET /v1/models HTTP/1.1', 'Host: 127.0.0.1', `X-Big: ${'b'.repeat(64 * 1024)}`])]);
    expectEnvelope(reply, 431, 'request_headers_too_large');
  });

  test('a head that never ends → 408 envelope', async () => {
    const reply = await rawExchange(gw.port, ['POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n']);
    expectEnvelope(reply, 408, 'request_timeout');
  });

  test('a body that stops halfway → 408 envelope', async () => {
    const reply = await rawExchange(gw.port, [chatHead(['Content-Length: 100']), '{"model":']);
    expectEnvelope(reply, 408, 'request_timeout');
  });

  test('a malformed request → 400 envelope', async () => {
    const reply = await rawExchange(gw.port, ['NOT HTTP AT ALL\r\n\r\n']);
    expectEnvelope(reply, 400, 'bad_request');
  });
});

describe('a body over the limit → 413 envelope the client reads, then the connection closes cleanly', () => {
  test('sent chunked', async () => {
    const body = bigBody(4 * bodyLimit);
    const chunks: string[] = [];
    for (let at = 0; at < body.length; at += 16 * 1024) {
      const piece = body.slice(at, at + 16 * 1024);
      chunks.push(`${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`);
    }
    const reply = await rawExchange(gw.port, [chatHead(['Transfer-Encoding: chunked']), ...chunks, '0\r\n\r\n']);
    expectEnvelope(reply, 413, 'request_too_large');
    expect(reply.head.toLowerCase()).toContain('connection: close');
  });

  test('sent with its content-length (refused before it is read)', async () => {
    // More than the kernel buffers of a loopback connection hold: a close before it is drained resets.
    const body = bigBody(6 * 1024 * 1024);
    const reply = await rawExchange(gw.port, [chatHead([`Content-Length: ${Buffer.byteLength(body)}`]), body]);
    expectEnvelope(reply, 413, 'request_too_large');
  });

  test('the gateway still serves the next request', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
  });
});
