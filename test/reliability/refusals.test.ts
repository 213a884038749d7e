import { connect } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { defineConfig, startGateway, type RunningGateway } from 'switchyard';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import requestLog from '../../plugins/log/pino/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { judge, readEnvelope, send, type Answer } from './client.ts';
import { startFaultServer, type FaultServer } from './fault-upstream.ts';
import { answerText } from './faults.ts';
import { captureLog, cellGroup, cellGroups, chatBody, clientHeaders, eventually, handles, masterKeyValue, providerPlugin, type LogCapture } from './harness.ts';
import { wires } from './wires.ts';

/**
 * Refusals made below the application — an oversized request head, a slow header, a body over
 * the limit sent chunked or announced, a request line that is not HTTP — must reach the client as
 * OpenAI envelopes with the documented status (DESIGN.md: "including refusals made below the
 * application"), and leave the gateway serving with no connection behind.
 */
const bodyLimit = 64 * 1024;
let upstream: FaultServer;
let gw: RunningGateway;
let log: LogCapture;
let baseline: ReturnType<typeof handles>;

beforeAll(async () => {
  baseline = handles();
  log = captureLog('info');
  upstream = await startFaultServer(wires.openai);
  gw = await startGateway(
    defineConfig({
      server: { bodyLimit, headersTimeoutMs: 600, requestTimeoutMs: 3_000 },
      plugins: [providerPlugin('openai', upstream.url), masterKey({ key: masterKeyValue }), modelRouting({}), orderedFallback({ retryDelayMs: 1 }), requestLog({})],
      models: cellGroups('openai', 'http://127.0.0.1:9').filter((g) => g.name === cellGroup('ok')),
    }),
    { port: 0, host: '127.0.0.1', log: log.logger },
  );
});

afterAll(async () => {
  await gw?.close(100);
  await upstream?.close();
});

/** Writes raw bytes (in pieces, `gapMs` apart), then reads until the server closes or `limitMs` passes. */
function raw(pieces: readonly (string | Buffer)[], gapMs = 0, limitMs = 8_000): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connect(gw.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let failure: string | undefined;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      socket.destroy();
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const head = (split < 0 ? all : all.subarray(0, split)).toString('latin1');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      let body = split < 0 ? Buffer.alloc(0) : all.subarray(split + 4);
      if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
      resolve({ status, headers, body, failure: status === 0 ? (failure ?? `no HTTP answer (${all.length} bytes)`) : undefined });
    };
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err) => {
      failure = `socket: ${err.message}`;
      finish();
    });
    socket.on('close', finish);
    socket.on('connect', () => {
      pieces.forEach((p, i) => {
        timers.push(
          setTimeout(() => {
            if (!socket.destroyed) socket.write(p, () => undefined);
          }, i * gapMs),
        );
      });
    });
    timers.push(setTimeout(finish, limitMs));
  });
}

const requestHead = (extra: string, body = ''): string =>
  `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${masterKeyValue}\r\ncontent-type: application/json\r\nconnection: close\r\n${extra}\r\n${body}`;

async function expectEnvelope(answer: Answer, status: number): Promise<void> {
  expect(answer.failure, `no answer: ${answer.failure}`).toBeUndefined();
  expect(answer.status).toBe(status);
  const { error } = readEnvelope(answer);
  expect(typeof error.message).toBe('string');
  // The gateway still serves, and no client connection stays open.
  const next = await send(`${gw.url}/v1/chat/completions`, chatBody(cellGroup('ok'), false), { headers: clientHeaders });
  expect(judge(next, false, answerText('ok')).kind).toBe('answer');
}

test('an oversized request head (64 KB of headers) gets a 431 envelope', async () => {
  const answer = await raw([requestHead(`x-padding: ${'a'.repeat(64 * 1024)}\r\ncontent-length: 2\r\n`, '{}')]);
  await expectEnvelope(answer, 431);
});

test('a request head that never completes gets a 408 envelope', async () => {
  // The head is sent in pieces and never finished; the gateway's headersTimeoutMs is 600 ms.
  const answer = await raw(['POST /v1/chat/completions HTTP/1.1\r\n', 'host: 127.0.0.1\r\n', 'x-slow: 1\r\n'], 100);
  await expectEnvelope(answer, 408);
});

test('a body over the limit sent chunked gets a 413 envelope, not a reset', async () => {
  const chunk = Buffer.from(`${(16 * 1024).toString(16)}\r\n${'x'.repeat(16 * 1024)}\r\n`);
  const pieces = [requestHead('transfer-encoding: chunked\r\n'), ...Array.from({ length: 16 }, () => chunk), '0\r\n\r\n'];
  const answer = await raw(pieces, 5);
  await expectEnvelope(answer, 413);
});

test('a body over the limit announced by Content-Length gets a 413 envelope', async () => {
  const size = bodyLimit * 4;
  const answer = await raw([requestHead(`content-length: ${size}\r\n`), Buffer.alloc(size, 0x78)], 5);
  await expectEnvelope(answer, 413);
});

test('a request line that is not HTTP gets a 400 envelope', async () => {
  const answer = await raw(['\u0000\u0001 GARBAGE \r\n\r\n']);
  await expectEnvelope(answer, 400);
});

test('after the refusals: no client connection, socket or timer is left', async () => {
  await gw.close(100);
  await upstream.close();
  await eventually(() => {
    const now = handles();
    return now.sockets <= baseline.sockets && now.servers <= baseline.servers && now.timers <= baseline.timers;
  });
  const now = handles();
  expect({ sockets: Math.max(0, now.sockets - baseline.sockets), servers: Math.max(0, now.servers - baseline.servers), timers: Math.max(0, now.timers - baseline.timers) }).toEqual({ sockets: 0, servers: 0, timers: 0 });
});
