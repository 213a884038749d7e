import { connect } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { defineConfig, startGateway, type RunningGateway } from 'switchyard';
import requestLog from '../../../plugins/log/pino/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { captureLog, waitForLine, type LogLine } from '../../helpers/log-capture.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';

// Issue #12.9: a client that disconnects mid-upload was logged at error level with a stack
// ("request failed inside the gateway"). It is the client's doing: a 499, logged at info.

let upstream: MockServer;
let gw: RunningGateway;
let lines: LogLine[];

beforeAll(async () => {
  upstream = await startMockOpenAI();
  const captured = captureLog();
  lines = captured.lines;
  gw = await startGateway(
    defineConfig({ plugins: [openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }), modelRouting({}), requestLog({})] }),
    { port: 0, host: '127.0.0.1', log: captured.log },
  );
});
afterAll(async () => {
  await gw.close(100);
  await upstream.close();
});

for (const how of ['closes', 'resets'] as const) {
  test(`a client that ${how} its connection mid-upload is a 499 at info, with no error line`, async () => {
    const id = `gone-mid-upload-${how}`;
    await new Promise<void>((done) => {
      const socket = connect(gw.port, '127.0.0.1', () => {
        socket.write(
          'POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
            `X-Request-Id: ${id}\r\nContent-Length: 1000\r\n\r\n{"model":"gpt-4o","messages":[`,
          () => setImmediate(() => (how === 'closes' ? socket.destroy() : socket.resetAndDestroy())),
        );
      });
      socket.on('error', () => undefined);
      socket.on('close', () => done());
    });
    const line = await waitForLine(lines, (l) => l.reqId === id && l.msg === 'request');
    expect(line).toMatchObject({ level: 30, status: 499 });
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(upstream.requests).toHaveLength(0);
  });
}
