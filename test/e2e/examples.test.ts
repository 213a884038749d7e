import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import keys from '../../plugins/keys/index.ts';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../helpers/mock-upstream/server.ts';

// The runnable examples, run as a user runs them (`node --import tsx examples/….ts`), as child
// processes against a gateway in front of two strict OpenAI-format mocks (OpenAI, and Mistral
// through its OpenAI-compatible preset).
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const key = 'sy-examples-master-key';
const runTimeoutMs = 30_000;

let openaiUp: MockServer;
let mistralUp: MockServer;
let gw: RunningGateway;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command in the repository with the gateway's URL and key in its environment; never rejects. */
function run(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      command,
      [...args],
      {
        cwd: root,
        timeout: runTimeoutMs,
        killSignal: 'SIGKILL',
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SWITCHYARD_URL: `${gw.url}/v1`, SWITCHYARD_API_KEY: key, ...env },
      },
      (err, stdout, stderr) => done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr }),
    );
  });
}

const runExample = (file: string, args: readonly string[] = [], env: Record<string, string> = {}): Promise<Run> =>
  run(process.execPath, ['--import', 'tsx', join('examples', file), ...args], env);

/** Fails with the child's output, so a broken example says why. */
function expectSuccess(result: Run): void {
  expect(result, `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`).toMatchObject({ code: 0 });
}

beforeAll(async () => {
  openaiUp = await startMockOpenAI();
  mistralUp = await startMockOpenAI({ apiKey: 'mistral-mock-key', models: ['mistral-small-latest', 'mistral-embed'] });
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: mockOpenAIKey, baseURL: `${openaiUp.url}/v1` }),
        openai({ preset: 'mistral', apiKey: 'mistral-mock-key', baseURL: `${mistralUp.url}/v1` }),
        masterKey({ key }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1 }),
      ],
      models: [{ name: 'smart', deployments: [{ provider: 'openai', model: 'gpt-4o' }] }],
    }),
  );
});

afterAll(async () => {
  await gw.close(1000);
  await openaiUp.close();
  await mistralUp.close();
});

describe('examples run against a live gateway', { timeout: runTimeoutMs + 5_000 }, () => {
  test('examples/openai-sdk.ts: chat, stream, tools, JSON mode, embeddings, models, an error', async () => {
    const result = await runExample('openai-sdk.ts', ['gpt-4o-mini']);
    expectSuccess(result);
    const lines = result.stdout.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'chat: echo: Say hello in five words.',
        '  answered by openai/gpt-4o-mini',
        'stream: echo: Count from one to five.',
        'tool call: get_weather({"city":"Paris"})',
        'tool answer: tool result: {"sky":"sunny","celsius":21}',
        'embeddings: 2 vectors of 8 dimensions',
      ]),
    );
    expect(result.stdout).toMatch(/^ {2}usage: \d+ tokens$/m);
    expect(result.stdout).toMatch(/^json: \{"echo":/m);
    expect(result.stdout).toMatch(/^models: \d+ \(smart, /m);
    expect(result.stdout).toMatch(/^error: 404 model_not_found: /m);
  });

  test('examples/switch-providers.ts: the same code reaches each provider by model name', async () => {
    const result = await runExample('switch-providers.ts', ['gpt-4o', 'mistral/mistral-small-latest', 'mistral-small-latest', 'smart']);
    expectSuccess(result);
    expect(result.stdout).toContain('gpt-4o -> openai/gpt-4o: "echo: Name one planet." | stream: "echo: Name one star."');
    expect(result.stdout).toContain('mistral/mistral-small-latest -> mistral/mistral-small-latest: "echo: Name one planet."');
    expect(result.stdout).toContain('mistral-small-latest -> mistral/mistral-small-latest: "echo: Name one planet."');
    expect(result.stdout).toContain('smart -> openai/gpt-4o: "echo: Name one planet."');
    expect(mistralUp.requests.filter((r) => r.url === '/v1/chat/completions')).toHaveLength(4);
  });

  test('examples/switch-providers.ts exits non-zero when a model fails, after trying the rest', async () => {
    const result = await runExample('switch-providers.ts', [], { MODELS: 'no-such-model,gpt-4o' });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^no-such-model -> failed: 404 /m);
    expect(result.stdout).toContain('gpt-4o -> openai/gpt-4o:');
  });

  test('examples/langchain.ts', async () => {
    const result = await runExample('langchain.ts', [], { MODEL: 'smart' });
    expectSuccess(result);
    expect(result.stdout).toContain('invoke: echo: Say hello in five words.');
    expect(result.stdout).toContain('stream: echo: Count from one to five.');
    expect(result.stdout).toContain('tool call: get_weather({"city":"Paris"})');
    expect(result.stdout).toContain('tool answer: tool result: sunny, 21 °C');
    expect(result.stdout).toContain('embeddings: 2 documents, query vector of 8 dimensions');
  });

  test('examples/vercel-ai-sdk.ts', async () => {
    const result = await runExample('vercel-ai-sdk.ts', ['gpt-4o']);
    expectSuccess(result);
    expect(result.stdout).toContain('generateText: echo: Say hello in five words.');
    expect(result.stdout).toContain('streamText: echo: Count from one to five.');
    expect(result.stdout).toContain('tool call: get_weather({"city":"Paris"})');
    expect(result.stdout).toContain('embeddings: 2 vectors of 8 dimensions; query vector of 8');
  });

  test('examples/llamaindex.ts', async () => {
    const result = await runExample('llamaindex.ts', ['gpt-4o']);
    expectSuccess(result);
    expect(result.stdout).toContain('chat: echo: Say hello in five words.');
    expect(result.stdout).toContain('stream: echo: Count from one to five.');
    expect(result.stdout).toContain('tool call: get_weather({"city":"Paris"})');
    expect(result.stdout).toContain('embedding: 8 dimensions');
    expect(result.stdout).toMatch(/^query: echo: .*Switchyard is an OpenAI-compatible gateway\./ms);
  });

  test('examples/fallback-demo.ts: one deployment fails, the client never notices', async () => {
    const result = await runExample('fallback-demo.ts', [], { LOG_LEVEL: 'silent' });
    expectSuccess(result);
    expect(result.stdout).toContain('#10: "hello from us-region"');
    expect(result.stdout).toContain('the client saw no error');
  });

  const curl = (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, 'curl')));
  if (!curl) console.warn('curl is not on PATH: skipping examples/curl_examples.sh');
  test.skipIf(!curl)('examples/curl_examples.sh: chat, stream, embeddings, models, a 404', async () => {
    const result = await run('bash', [join('examples', 'curl_examples.sh'), 'gpt-4o-mini']);
    expectSuccess(result);
    expect(result.stdout).toContain('"content":"echo: Say hello in five words."');
    expect(result.stdout).toMatch(/^data: \[DONE\]$/m);
    expect(result.stdout).toContain('"object":"embedding"');
    expect(result.stdout).toContain('"id":"smart"');
    expect(result.stdout).toContain('"code":"model_not_found"');
    expect(result.stdout).toContain('status: 404');
  });

  test.skipIf(!curl)('examples/team.sh: a team, a limited key, its cost, the 429, the 402, the spend log', async () => {
    // A gateway as the team section of the README runs it: the keys plugin, its store in a temp folder.
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-team-example-'));
    const teamGw = await startTestGateway(
      defineConfig({
        plugins: [openai({ apiKey: mockOpenAIKey, baseURL: `${openaiUp.url}/v1` }), keys({ masterKey: key, dataDir }), modelRouting({}), orderedFallback({})],
      }),
    );
    const result = await run('bash', [join('examples', 'team.sh'), 'gpt-4o-mini'], { SWITCHYARD_URL: teamGw.url, SWITCHYARD_MASTER_KEY: key }).finally(async () => {
      await teamGw.close(1000);
      rmSync(dataDir, { recursive: true, force: true });
    });
    expectSuccess(result);
    expect(result.stdout).toMatch(/^team_id: \S+$/m);
    expect(result.stdout).toMatch(/^x-switchyard-response-cost: 0\.\d+/im);
    expect(result.stdout).toMatch(/^x-ratelimit-remaining-requests: 0/im);
    expect(result.stdout).toContain('status: 429');
    // The budget: the crossing call completes, the next is 402 budget_exceeded, not to be retried.
    expect(result.stdout).toMatch(/^status: 200\n(?:.*\n)*?x-should-retry: false\r?\nstatus: 402$/im);
    expect(result.stdout).toContain('"code":"budget_exceeded"');
    expect(result.stdout).toContain('"key_alias":"alice-laptop"');
    expect(result.stdout).toContain('"status":"success"');
  });

  test("examples/readme/team-key.ts: the README team section's openai SDK client with a virtual key: cost, then 429, then 402", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-team-sdk-'));
    const teamGw = await startTestGateway(
      defineConfig({
        plugins: [openai({ apiKey: mockOpenAIKey, baseURL: `${openaiUp.url}/v1` }), keys({ masterKey: key, dataDir }), modelRouting({}), orderedFallback({})],
      }),
    );
    try {
      const generate = async (fields: Record<string, unknown>): Promise<string> => {
        const res = await fetch(`${teamGw.url}/key/generate`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(fields),
        });
        return ((await res.json()) as { key: string }).key;
      };
      const sdk = (virtualKey: string, calls: number) =>
        run(process.execPath, ['--import', 'tsx', join('examples', 'readme', 'team-key.ts')], {
          SWITCHYARD_URL: `${teamGw.url}/v1`, SWITCHYARD_API_KEY: virtualKey, MODEL: 'gpt-4o-mini', CALLS: String(calls),
        });
      const limited = await sdk(await generate({ rpm_limit: 2 }), 3);
      expectSuccess(limited);
      expect(limited.stdout).toMatch(/^#1 echo: Say hi\. \(\$0\.\d+, 1 requests left\)\n#2 echo: Say hi\. \(\$0\.\d+, 0 requests left\)\n#3 refused: rate_limit_exceeded: 429 key rpm limit 2 reached\n$/);
      // A budget the first call crosses: it completes; the next run's call is refused, never retried.
      const tiny = await generate({ max_budget: 0.000001 });
      const first = await sdk(tiny, 1);
      expectSuccess(first);
      expect(first.stdout).toMatch(/^#1 echo: Say hi\. \(\$0\.\d+, - requests left\)\n$/);
      const second = await sdk(tiny, 1);
      expectSuccess(second);
      expect(second.stdout).toMatch(/^#1 refused: budget_exceeded: 402 key budget of \$0\.000001 reached; it does not reset\n$/);
    } finally {
      await teamGw.close(1000);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
