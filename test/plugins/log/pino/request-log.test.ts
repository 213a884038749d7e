import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { defineConfig, startGateway, type RunningGateway } from 'switchyard';
import { redactedPaths } from '../../../../core/log.ts';
import masterKey from '../../../../plugins/auth/master-key/index.ts';
import requestLog from '../../../../plugins/log/pino/index.ts';
import openai from '../../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../../plugins/routing/models/index.ts';
import { startMockOpenAI, mockOpenAIKey } from '../../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../../helpers/mock-upstream/server.ts';

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});
let upstream: MockServer;
let gw: RunningGateway;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  const log = pino({ level: 'info', redact: { paths: [...redactedPaths], censor: '[redacted]' } }, sink);
  gw = await startGateway(
    defineConfig({ plugins: [openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }), masterKey({ key: 'mk-secret' }), modelRouting({}), requestLog({})] }),
    { port: 0, host: '127.0.0.1', log },
  );
});
afterAll(async () => {
  await gw.close(100);
  await upstream.close();
});

test('one line per request with the measured fields, and no key anywhere', async () => {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer mk-secret', 'content-type': 'application/json', 'x-request-id': 'log-test-1' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.text();
  await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer wrong-key' }, body: '{}' }).then((r) => r.text());
  await expect.poll(() => lines.filter((l) => l.msg === 'request').length).toBe(2);
  const [ok, denied] = lines.filter((l) => l.msg === 'request');
  expect(ok).toMatchObject({
    reqId: 'log-test-1',
    principal: 'master-key',
    model: 'gpt-4o',
    deployment: 'openai/gpt-4o',
    status: 200,
    attempts: 1,
    tokens: { prompt: expect.any(Number), completion: expect.any(Number), total: expect.any(Number) },
  });
  expect(ok!.latencyMs).toEqual(expect.any(Number));
  expect(ok!.ttfbMs).toEqual(expect.any(Number));
  expect(denied).toMatchObject({ status: 401, level: 40 });
  const all = JSON.stringify(lines);
  expect(all).not.toContain('mk-secret');
  expect(all).not.toContain('wrong-key');
  expect(all).not.toContain(mockOpenAIKey);
});
