import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, startGateway, type RunningGateway } from 'switchyard';
import { echoLimit } from '../../../core/echo.ts';
import requestLog from '../../../plugins/log/pino/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { captureLog, waitForLine, type LogLine } from '../../helpers/log-capture.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';

// Issue #12.5: a 10 MB model name gave a 10.5 MB error body and a 21 MB log line. Client text
// echoed in errors, headers and logs is cut to `echoLimit` characters, marked as cut.

const tenMB = 10 * 1024 * 1024;
const huge = (prefix: string): string => `${prefix}${'z'.repeat(tenMB)}`;
let upstream: MockServer;
let gw: RunningGateway;
let lines: LogLine[];

beforeAll(async () => {
  upstream = await startMockOpenAI();
  const captured = captureLog();
  lines = captured.lines;
  gw = await startGateway(
    defineConfig({
      server: { bodyLimit: 32 * 1024 * 1024 },
      plugins: [openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }), modelRouting({}), requestLog({})],
    }),
    { port: 0, host: '127.0.0.1', log: captured.log },
  );
});
afterAll(async () => {
  await gw.close(100);
  await upstream.close();
});
beforeEach(() => {
  lines.length = 0;
});

async function post(body: unknown, requestId: string): Promise<{ status: number; text: string; headerBytes: number }> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify(body),
  });
  let headerBytes = 0;
  res.headers.forEach((v, k) => (headerBytes += k.length + v.length));
  return { status: res.status, text: await res.text(), headerBytes };
}

const messages = [{ role: 'user', content: 'hi' }];

describe('client text is echoed cut', () => {
  test('a 10 MB unknown model: a small 404, its name cut and marked, a small log line', async () => {
    const model = huge('no-such-model-');
    const { status, text } = await post({ model, messages }, 'echo-1');
    expect(status).toBe(404);
    expect(text.length).toBeLessThan(2048);
    const { error } = JSON.parse(text) as { error: { message: string } };
    expect(error.message).toContain(`'${model.slice(0, echoLimit)}…(cut, ${model.length} chars)'`);
    const line = await waitForLine(lines, (l) => l.reqId === 'echo-1' && l.msg === 'request');
    expect(line.bytes).toBeLessThan(4096);
    expect(line.model).toBe(`${model.slice(0, echoLimit)}…(cut, ${model.length} chars)`);
  });

  test('a 10 MB provider/model the upstream quotes back in its error: the answer, headers and every log line stay small', async () => {
    const model = huge('openai/gpt-');
    const { status, text, headerBytes } = await post({ model, messages }, 'echo-2');
    expect(status).toBe(404);
    expect(text.length).toBeLessThan(4096);
    expect(headerBytes).toBeLessThan(4096);
    await waitForLine(lines, (l) => l.reqId === 'echo-2' && l.msg === 'request');
    for (const line of lines) expect(line.bytes).toBeLessThan(8192);
  });

  test('a 10 MB model that is served: the headers and the log line stay small', async () => {
    upstream.override((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
      void req;
    });
    const { status, headerBytes } = await post({ model: huge('gpt-'), messages }, 'echo-3');
    expect(status).toBe(200);
    expect(headerBytes).toBeLessThan(4096);
    const line = await waitForLine(lines, (l) => l.reqId === 'echo-3' && l.msg === 'request');
    expect(line.bytes).toBeLessThan(4096);
  });

  test("a 10 MB key in a field's map: the 400's param and message are cut", async () => {
    const key = 'k'.repeat(tenMB);
    const { status, text } = await post({ model: 'gpt-4o', messages, logit_bias: { [key]: 1000 } }, 'echo-4');
    expect(status).toBe(400);
    expect(text.length).toBeLessThan(2048);
    const { error } = JSON.parse(text) as { error: { param: string } };
    expect(error.param.startsWith('logit_bias.kkk')).toBe(true);
    expect(error.param).toMatch(/…\(cut, \d+ chars\)$/);
  });
});
