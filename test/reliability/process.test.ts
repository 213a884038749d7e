import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { freePort, root, startGatewayProcess, type ServingGateway } from '../helpers/cli.ts';
import { judge, leaked, readEnvelope, send } from './client.ts';
import { startFaultServer, type FaultServer } from './fault-upstream.ts';
import { answerText, answering, expectedStatuses, faultsFor, type Fault } from './faults.ts';
import { baseOn, cellGroups, chatBody, eventually, masterKeyValue, relaxedTimeouts } from './harness.ts';
import { allSecrets, bedrockRegion, secrets, wireIds, wires, type WireId } from './wires.ts';

/**
 * The fault matrix once more, through the `switchyard` bin as a child process (its own config
 * file, loaded as users load theirs): every cell of every wire format, a few at a time, then
 * model names no header can carry. The process must survive all of it, answer /health, and print
 * no provider key.
 */
const bin = join(root, 'bin', 'switchyard.js');
const headers = { authorization: `Bearer ${masterKeyValue}`, 'content-type': 'application/json' };
const plugin = (name: string): string => JSON.stringify(join(root, 'plugins', name, 'index.ts'));
const groupName = (wire: WireId, fault: Fault): string => `${wire}.cell-${fault}`;

let dir: string;
let upstreams: Record<WireId, FaultServer>;
let gw: ServingGateway;

function providerEntry(wire: WireId, url: string): string {
  const options: Record<WireId, unknown> = {
    openai: { apiKey: secrets.openai, baseURL: baseOn('openai', url) },
    azure: { endpoint: url, apiKey: secrets.azure },
    anthropic: { apiKey: secrets.anthropic, baseURL: url },
    gemini: { apiKey: secrets.gemini, baseURL: url },
    bedrock: { accessKeyId: secrets.bedrockAccessKeyId, secretAccessKey: secrets.bedrockSecret, region: bedrockRegion, baseURL: url },
    cohere: { apiKey: secrets.cohere, baseURL: url },
  };
  return `[${plugin(`providers/${wire}`)}, ${JSON.stringify(options[wire])}]`;
}

beforeAll(async () => {
  const list = await Promise.all(wireIds.map((w) => startFaultServer(wires[w])));
  upstreams = Object.fromEntries(wireIds.map((w, i) => [w, list[i] as FaultServer])) as Record<WireId, FaultServer>;
  const closedOrigin = `http://127.0.0.1:${await freePort()}`;
  // Hangs end after one attempt here: the cells run side by side, and the point is the process surviving.
  const limits = { hangTimeouts: { firstByte: 1_000, idle: 1_000, total: 10_000 }, hangAttempts: 1, timeouts: relaxedTimeouts, maxAttempts: 2 };
  const models = wireIds.flatMap((w) => cellGroups(w, closedOrigin, limits).map((g) => ({ ...g, name: `${w}.${g.name}` })));
  dir = mkdtempSync(join(tmpdir(), 'switchyard-reliability-'));
  const file = join(dir, 'reliability.config.ts');
  // A folder without package.json, plugins by absolute path, as the CLI tests write them.
  writeFileSync(
    file,
    `export default {
  server: { shutdownGraceMs: 200 },
  plugins: [
    ${wireIds.map((w) => providerEntry(w, upstreams[w].url)).join(',\n    ')},
    [${plugin('auth/master-key')}, { key: ${JSON.stringify(masterKeyValue)} }],
    [${plugin('routing/models')}, {}],
    [${plugin('fallback/ordered')}, { retryDelayMs: 1, maxRetryDelayMs: 100 }],
    [${plugin('log/pino')}, {}],
  ],
  models: ${JSON.stringify(models, null, 2)},
};
`,
  );
  gw = await startGatewayProcess(bin, ['--config', file], { LOG_LEVEL: 'debug' }, 30_000);
}, 40_000);

afterAll(async () => {
  gw?.kill();
  await Promise.all(Object.values(upstreams ?? {}).map((u) => u.close()));
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const url = (path: string): string => `http://127.0.0.1:${gw.port}${path}`;

/** Runs `jobs` with at most `limit` in flight. */
async function pool<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}

test('every fault × {non-stream, stream} × wire format through the CLI process: an answer or an envelope, never a key', { timeout: 90_000 }, async () => {
  // One correct call per wire first, so every provider's modules are loaded before the timed cells.
  for (const wire of wireIds) await send(url('/v1/chat/completions'), chatBody(groupName(wire, 'ok'), false), { headers, limitMs: 30_000 });
  const cells = wireIds.flatMap((wire) => [false, true].flatMap((stream) => faultsFor(stream).map((fault) => ({ wire, stream, fault }))));
  const problems = await pool(
    cells.map(({ wire, stream, fault }) => async (): Promise<string[]> => {
      const name = `${wire} ${stream ? 'stream' : 'non-stream'} ${fault}`;
      const answer = await send(url('/v1/chat/completions'), chatBody(groupName(wire, fault), stream), { headers, limitMs: 30_000 });
      const out: string[] = [];
      try {
        const verdict = judge(answer, stream, answerText(fault));
        if (answering.has(fault) !== (verdict.kind === 'answer')) out.push(`${name}: got ${verdict.kind}`);
        if (verdict.kind === 'envelope' && !expectedStatuses[fault].includes(verdict.status)) out.push(`${name}: status ${verdict.status}`);
      } catch (err) {
        out.push(`${name}: ${(err as Error).message}`);
      }
      const keys = leaked(answer, allSecrets);
      if (keys.length > 0) out.push(`${name}: key(s) in the answer: ${keys.join(', ')}`);
      return out;
    }),
    8,
  );
  expect(gw.child.exitCode, gw.output().slice(-2000)).toBe(null);
  for (const w of wireIds) expect(await eventually(() => upstreams[w].openResponses() === 0), `${w}: upstream responses left open`).toBe(true);
  // Reported per cell; the defects of issue #12 show here as in the in-process matrix.
  expect(problems.flat()).toEqual([]);
});

test('after the fault matrix the process is alive, serves, and printed no provider key', async () => {
  expect(gw.child.exitCode, gw.output().slice(-2000)).toBe(null);
  const health = await send(url('/health'), undefined);
  expect(health.status).toBe(200);
  const ok = await send(url('/v1/chat/completions'), chatBody(groupName('openai', 'ok'), false), { headers });
  expect(judge(ok, false, answerText('ok')).kind).toBe('answer');
  const output = gw.output();
  expect(output.length).toBeGreaterThan(0);
  expect(allSecrets.filter((s) => output.includes(s))).toEqual([]);
});

test('model names no header can carry (control characters, CR LF, lone surrogates, 100 KB) never kill the process', { timeout: 60_000 }, async () => {
  const names = [
    'openai/gpt\u0000nul',
    'openai/a\r\nx-injected: yes',
    'openai/tab\there',
    'openai/\u007fdel',
    'openai/ü✓🚀-unicode',
    'openai/\ud800lone-surrogate',
    `openai/${'x'.repeat(100_000)}`,
    'anthropic/claude\nnewline',
    'gemini/\u0001\u0002\u0003',
    'cohere/\u2028line-separator',
    'no-such-group\r\n',
  ];
  const problems: string[] = [];
  for (const model of names) {
    for (const stream of [false, true]) {
      const label = `${JSON.stringify(model.slice(0, 40))} ${stream ? 'stream' : 'non-stream'}`;
      const answer = await send(url('/v1/chat/completions'), JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }), { headers, limitMs: 15_000 });
      if (answer.failure !== undefined) {
        problems.push(`${label}: no answer (${answer.failure})`);
        continue;
      }
      if (answer.status === 200) {
        try {
          judge(answer, stream, answerText('ok'));
        } catch (err) {
          problems.push(`${label}: ${(err as Error).message}`);
        }
      } else {
        try {
          const { status } = readEnvelope(answer);
          if (status >= 500) problems.push(`${label}: status ${status}`);
        } catch (err) {
          problems.push(`${label}: ${(err as Error).message}`);
        }
        if (answer.body.length > 4_096) problems.push(`${label}: an error body of ${answer.body.length} bytes (client input echoed whole)`);
      }
      if (gw.child.exitCode !== null || gw.child.signalCode !== null) {
        problems.push(`${label}: the process died (${gw.child.exitCode ?? gw.child.signalCode})`);
        break;
      }
    }
    if (gw.child.exitCode !== null || gw.child.signalCode !== null) break;
  }
  expect(problems, gw.output().slice(-3000)).toEqual([]);
  const health = await send(url('/health'), undefined);
  expect(health.status).toBe(200);
  expect(allSecrets.filter((s) => gw.output().includes(s))).toEqual([]);
});
