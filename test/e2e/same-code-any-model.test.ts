import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import anthropic from '../../plugins/providers/anthropic/index.ts';
import azure from '../../plugins/providers/azure/index.ts';
import bedrock from '../../plugins/providers/bedrock/index.ts';
import cohere from '../../plugins/providers/cohere/index.ts';
import gemini from '../../plugins/providers/gemini/index.ts';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockAnthropicKey, startMockAnthropic } from '../helpers/mock-upstream/anthropic.ts';
import { mockAzureKey, startMockAzure, type AzureMock } from '../helpers/mock-upstream/azure.ts';
import { mockAwsCredentials, startMockBedrock } from '../helpers/mock-upstream/bedrock.ts';
import { mockCohereKey, startMockCohere } from '../helpers/mock-upstream/cohere.ts';
import { mockGeminiKey, startMockGemini } from '../helpers/mock-upstream/gemini.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import type { MockServer, RecordedRequest } from '../helpers/mock-upstream/server.ts';

/**
 * Issue 3's "done when": examples/same-code-any-model.ts, run unchanged as a child process
 * (as a user runs it), against one gateway in front of the six strict provider mocks. Only the
 * model names on the command line differ between runs.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const key = 'sy-same-code-master-key';
const runTimeoutMs = 40_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let mocks: Record<'openai' | 'anthropic' | 'gemini' | 'bedrock' | 'cohere', MockServer>;
let azureUp: AzureMock;
let gw: RunningGateway;

function runScript(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join('examples', 'same-code-any-model.ts'), ...args],
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

const output = (r: Run): string => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** Every feature line says ok (embed: ok or skip as expected), and the summary agrees. */
function expectAllOk(r: Run, model: string, embed: 'ok' | 'skip'): void {
  // SHOW_RUNS=1 prints each run's feature lines, to see what every provider answered.
  if (process.env.SHOW_RUNS) console.log(r.stdout);
  expect(r.code, output(r)).toBe(0);
  for (const feature of ['chat', 'stream', 'tools', 'json', 'n=2', 'vision']) {
    expect(r.stdout, output(r)).toMatch(new RegExp(`^${feature.replace('=', '\\=')} +ok `, 'm'));
  }
  expect(r.stdout).toMatch(new RegExp(`^embed +${embed} `, 'm'));
  const passed = embed === 'ok' ? 7 : 6;
  expect(r.stdout).toContain(`${model}: ${passed} passed, 0 failed, ${7 - passed} skipped`);
}

const bodies = (m: MockServer, path: RegExp): Record<string, unknown>[] =>
  m.requests.filter((r: RecordedRequest) => path.test(r.url)).map((r) => r.json as Record<string, unknown>);

beforeAll(async () => {
  const [o, a, g, b, c, az] = await Promise.all([
    startMockOpenAI(),
    startMockAnthropic(),
    startMockGemini(),
    startMockBedrock(),
    startMockCohere(),
    startMockAzure(),
  ]);
  mocks = { openai: o, anthropic: a, gemini: g, bedrock: b, cohere: c };
  azureUp = az;
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: mockOpenAIKey, baseURL: `${o.url}/v1` }),
        anthropic({ apiKey: mockAnthropicKey, baseURL: a.url }),
        azure({ endpoint: az.url, apiKey: mockAzureKey }),
        gemini({ apiKey: mockGeminiKey, baseURL: g.url }),
        bedrock({ ...mockAwsCredentials, region: 'us-east-1', baseURL: b.url }),
        cohere({ apiKey: mockCohereKey, baseURL: c.url }),
        masterKey({ key }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1 }),
      ],
      models: [
        // Azure names are deployments: a model group gives them the name clients use.
        { name: 'azure-gpt-4o', deployments: [{ provider: 'azure', model: 'prod-gpt4o' }] },
        { name: 'azure-embed', deployments: [{ provider: 'azure', model: 'prod-embed' }] },
      ],
    }),
  );
}, 30_000);

afterAll(async () => {
  await gw?.close(1000);
  await Promise.all([...Object.values(mocks ?? {}).map((m) => m.close()), azureUp?.close()]);
});

beforeEach(() => {
  for (const m of Object.values(mocks)) m.reset();
  azureUp.reset();
});

describe('examples/same-code-any-model.ts runs unchanged against every provider', { timeout: runTimeoutMs + 5_000 }, () => {
  test('OpenAI: gpt-4o with text-embedding-3-small', async () => {
    const r = await runScript(['gpt-4o', 'text-embedding-3-small']);
    expectAllOk(r, 'gpt-4o', 'ok');
    expect(r.stdout).toMatch(/^chat +ok +".+" from openai\/gpt-4o$/m);
    // OpenAI has `n` natively: one upstream call for n=2.
    expect(bodies(mocks.openai, /chat\/completions/).filter((b) => b.n === 2)).toHaveLength(2);
  });

  test('Anthropic: claude-3-5-sonnet-20241022 (no embeddings at Anthropic)', async () => {
    const r = await runScript(['claude-3-5-sonnet-20241022']);
    expectAllOk(r, 'claude-3-5-sonnet-20241022', 'skip');
    expect(r.stdout).toMatch(/^chat +ok +".+" from anthropic\/claude-3-5-sonnet-20241022$/m);
    const sent = bodies(mocks.anthropic, /\/v1\/messages/);
    // n=2 fanned out: 2 + 2 calls, none of them with an `n`.
    expect(sent.filter((b) => b.n !== undefined)).toHaveLength(0);
    expect(JSON.stringify(sent)).toContain('"type":"base64","media_type":"image/png"');
    expect(JSON.stringify(sent)).toContain('"name":"json_response"');
  });

  test('Azure OpenAI: a deployment behind a model group, with an embeddings deployment', async () => {
    const r = await runScript(['azure-gpt-4o', 'azure-embed']);
    expectAllOk(r, 'azure-gpt-4o', 'ok');
    expect(r.stdout).toMatch(/^chat +ok +".+" from azure\/prod-gpt4o$/m);
    expect(azureUp.requests.some((q) => q.url.startsWith('/openai/deployments/prod-embed/embeddings?api-version='))).toBe(true);
  });

  test('Gemini: gemini-2.0-flash with text-embedding-004', async () => {
    // Bare `text-embedding-004` reaches Gemini although OpenAI (also `text-embedding-*`) is enabled.
    const r = await runScript(['gemini-2.0-flash', 'text-embedding-004']);
    expectAllOk(r, 'gemini-2.0-flash', 'ok');
    expect(r.stdout).toMatch(/^chat +ok +".+" from gemini\/gemini-2.0-flash$/m);
    const sent = JSON.stringify(bodies(mocks.gemini, /generateContent/));
    expect(sent).toContain('"candidateCount":2');
    expect(sent).toContain('"inlineData":{"mimeType":"image/png"');
    expect(sent).toContain('"responseMimeType":"application/json"');
    expect(mocks.gemini.requests.some((q) => q.url === '/v1beta/models/text-embedding-004:batchEmbedContents')).toBe(true);
    expect(mocks.openai.requests).toHaveLength(0);
  });

  test('Bedrock: anthropic.claude-3-5-sonnet-20241022-v2:0 with Titan embeddings', async () => {
    const model = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
    const r = await runScript([model, 'amazon.titan-embed-text-v2:0']);
    expectAllOk(r, model, 'ok');
    expect(r.stdout).toContain(`from bedrock/${model}`);
    expect(mocks.bedrock.requests.some((q) => q.url.includes('/converse-stream'))).toBe(true);
    expect(JSON.stringify(bodies(mocks.bedrock, /converse/))).toContain('"image":{"format":"png"');
  });

  test('Cohere: command-r-plus-08-2024, vision on command-a-vision-07-2025, embed-v4.0', async () => {
    const r = await runScript(['command-r-plus-08-2024', 'embed-v4.0'], { VISION_MODEL: 'command-a-vision-07-2025' });
    expectAllOk(r, 'command-r-plus-08-2024', 'ok');
    expect(r.stdout).toMatch(/^vision +ok +".+" \(command-a-vision-07-2025\)$/m);
    expect(JSON.stringify(bodies(mocks.cohere, /\/v2\/chat/))).toContain('"type":"image_url"');
  });

  test('a feature the model lacks fails the run, after the others are tried', async () => {
    // Cohere's text models take no images (the mock, like Cohere, answers 400).
    const r = await runScript(['command-r-plus-08-2024']);
    expect(r.code, output(r)).toBe(1);
    expect(r.stdout).toMatch(/^vision +FAIL +400 /m);
    expect(r.stdout).toMatch(/^embed +skip /m);
    expect(r.stdout).toContain('command-r-plus-08-2024: 5 passed, 1 failed, 1 skipped');
  });
});
