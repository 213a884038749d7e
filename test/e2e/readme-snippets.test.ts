import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, type RunningGateway } from 'switchyard';
import { importConfigFile } from '../../core/config/load.ts';
import { createRootLogger } from '../../core/log.ts';
import { root } from '../helpers/cli.ts';
import { mockAnthropicKey, startMockAnthropic } from '../helpers/mock-upstream/anthropic.ts';
import { mockAzureKey, startMockAzure } from '../helpers/mock-upstream/azure.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../helpers/mock-upstream/server.ts';

/*
 * Every TypeScript block of the README is a file under examples/readme/ (its first line names
 * it), so `tsc` type-checks it with the rest of the project; here each block must equal its
 * file, and each config is loaded by the real config loader and serves a request against the
 * mock upstreams.
 */
const dir = join(root, 'examples', 'readme');
const key = 'sy-readme-key';

function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(folder, e.name)) : [join(folder, e.name)]));
}

describe('README TypeScript blocks', () => {
  const blocks = tsBlocks(readFileSync(join(root, 'README.md'), 'utf8'));

  test('each names its file on its first line and equals it exactly', () => {
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      const named = /^\/\/ (examples\/readme\/\S+\.ts)\n/.exec(block);
      expect(named, `a README ts block does not start with "// examples/readme/<file>.ts":\n${block.slice(0, 200)}`).not.toBeNull();
      expect(block).toBe(readFileSync(join(root, (named as RegExpExecArray)[1] as string), 'utf8'));
    }
  });

  test('every file under examples/readme/ is shown in the README', () => {
    const shown = new Set(blocks.map((b) => /^\/\/ (\S+)/.exec(b)?.[1]));
    for (const file of filesUnder(dir)) expect(shown).toContain(relative(root, file));
  });
});

describe('README configs load and serve', () => {
  let openaiUp: MockServer;
  let azureUp: MockServer;
  let anthropicUp: MockServer;
  const running: RunningGateway[] = [];

  beforeAll(async () => {
    [openaiUp, azureUp, anthropicUp] = await Promise.all([startMockOpenAI(), startMockAzure(), startMockAnthropic()]);
    // What the configs read when they are loaded (the default preset builds its providers from it).
    Object.assign(process.env, {
      SWITCHYARD_MASTER_KEY: key,
      OPENAI_API_KEY: mockOpenAIKey,
      OPENAI_BASE_URL: `${openaiUp.url}/v1`,
      AZURE_OPENAI_API_KEY: mockAzureKey,
      AZURE_OPENAI_ENDPOINT: azureUp.url,
      ANTHROPIC_API_KEY: mockAnthropicKey,
      ANTHROPIC_BASE_URL: anthropicUp.url,
    });
  });
  // Every snippet's gateway flushes its stores on close: more than the default hook time on a busy machine.
  afterAll(async () => {
    await Promise.all(running.map((g) => g.close(100)));
    await Promise.all([openaiUp.close(), azureUp.close(), anthropicUp.close()]);
  }, 60_000);

  async function serve(file: string): Promise<RunningGateway> {
    const config = await importConfigFile(join(dir, file));
    const gw = await startGateway(config, { port: 0, host: '127.0.0.1', baseDir: dir, log: createRootLogger({ level: 'silent', sync: true }) });
    running.push(gw);
    return gw;
  }

  const chat = (gw: RunningGateway, model: string, headers: Record<string, string> = {}) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });

  test('routing.config.ts: the preset with fallback-resilient and weighted routing', async () => {
    const gw = await serve('routing.config.ts');
    expect(gw.gateway.config.plugins.map((p) => p.name)).toContain('fallback-resilient');
    expect(gw.gateway.config.plugins.map((p) => p.name)).not.toContain('fallback-ordered');
    const res = await chat(gw, 'smart');
    expect(res.status, await res.clone().text()).toBe(200);
    expect(['azure', 'openai']).toContain(res.headers.get('x-switchyard-provider'));
    expect((await chat(gw, 'claude')).headers.get('x-switchyard-provider')).toBe('anthropic');
  });

  test('cache.config.ts: the second identical request is a cache hit', async () => {
    const gw = await serve('cache.config.ts');
    expect((await chat(gw, 'gpt-4o')).headers.get('x-switchyard-cache')).toBe('miss');
    expect((await chat(gw, 'gpt-4o')).headers.get('x-switchyard-cache')).toBe('hit');
  });

  test('gateway.config.ts: the configuration reference', async () => {
    const gw = await serve('gateway.config.ts');
    const res = await chat(gw, 'smart');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-model')).toBe('gpt-4o');
  });

  test('cors.config.ts: a listed origin gets its preflight answered and the headers exposed', async () => {
    const gw = await serve('cors.config.ts');
    const preflight = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const res = await chat(gw, 'gpt-4o', { origin: 'https://app.example.com' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect((await chat(gw, 'gpt-4o', { origin: 'https://evil.example' })).headers.get('access-control-allow-origin')).toBeNull();
  });

  test('model-aliases.config.ts: an overridden undated name reaches Anthropic as the given id; a dropped one does not route', async () => {
    const gw = await serve('model-aliases.config.ts');
    anthropicUp.reset();
    const res = await chat(gw, 'claude-3-5-sonnet');
    expect(res.status, await res.clone().text()).toBe(200);
    expect(anthropicUp.requests.at(-1)?.json).toMatchObject({ model: 'claude-sonnet-4-20250514' });
    expect(gw.gateway.config.models.map((m) => m.name)).not.toContain('gpt-3.5');
  });

  test('responses.ts: the Responses API client runs against the preset; the streamed follow-up carries the first turn', async () => {
    const gw = await serve('gateway.config.ts');
    openaiUp.reset();
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(dir, 'responses.ts')],
        { cwd: root, timeout: 30_000, killSignal: 'SIGKILL', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SWITCHYARD_URL: `${gw.url}/v1`, SWITCHYARD_API_KEY: key, MODEL: 'smart' } },
        (err, stdout, stderr) => done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr }),
      );
    });
    expect(run, run.stderr).toMatchObject({ code: 0 });
    // `smart` is an OpenAI deployment: the Responses API passes through natively, the upstream's
    // ids come back, and the follow-up goes up with the upstream's previous_response_id.
    const match = /^echo: Name a prime number\.\necho: And another one\? \(after (resp_mock_\w+)\)\n(resp_mock_\w+): \d+ tokens\n$/.exec(run.stdout);
    expect(match, run.stdout).not.toBeNull();
    const [first, second] = [match?.[1], match?.[2]];
    expect(second).not.toBe(first);
    expect(openaiUp.requests.map((r) => r.url)).toEqual(['/v1/responses', '/v1/responses']);
    // Instructions are not carried over to the follow-up (as at OpenAI): each request's own apply.
    expect(openaiUp.requests.at(-1)?.json).toEqual({ model: 'gpt-4o', previous_response_id: first, input: 'And another one?', stream: true });
  });

  /** Runs one of the README's client files against a gateway, as the README says to run it. */
  function runClient(file: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((done) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(dir, file)],
        { cwd: root, timeout: 30_000, killSignal: 'SIGKILL', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SWITCHYARD_API_KEY: key, ...env } },
        (err, stdout, stderr) => done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr }),
      );
    });
  }

  test('responses-tools.ts: an agent on responses.stream with a tool over a Claude model gets complete, valid arguments', async () => {
    const gw = await serve('gateway.config.ts');
    anthropicUp.reset();
    // A dated Claude id: this config lists its own groups, so the preset's undated aliases are not added.
    const run = await runClient('responses-tools.ts', { SWITCHYARD_URL: `${gw.url}/v1`, MODEL: 'claude-sonnet-4-20250514' });
    expect(run, run.stderr).toMatchObject({ code: 0 });
    // The streamed fragments, then the parsed call: both exactly the upstream's arguments.
    expect(run.stdout).toMatch(/^\{"city":"Paris"\}\nget_weather\(\{"city":"Paris"\}\) call \S+\n$/);
    // Translated onto Anthropic's Messages API, with the tool.
    expect(anthropicUp.requests.map((r) => r.url)).toEqual(['/v1/messages']);
    expect(anthropicUp.requests[0]?.json).toMatchObject({ tools: [{ name: 'get_weather' }] });
  });

  test('messages-tools.ts: the Anthropic SDK with a tool over a GPT model gets the tool_use input whole', async () => {
    const gw = await serve('gateway.config.ts');
    openaiUp.reset();
    const run = await runClient('messages-tools.ts', { SWITCHYARD_ROOT: gw.url, MODEL: 'gpt-4o-mini' });
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/^\{"city":"Paris"\}\nget_weather\(\{"city":"Paris"\}\) stop: tool_use\n$/);
    expect(openaiUp.requests.map((r) => r.url)).toEqual(['/v1/chat/completions']);
    expect(openaiUp.requests[0]?.json).toMatchObject({ model: 'gpt-4o-mini', tools: [{ type: 'function', function: { name: 'get_weather' } }] });
  });

  test('tenant.config.ts: the in-house plugin, by module specifier, tags the request', async () => {
    const gw = await serve('tenant.config.ts');
    openaiUp.reset();
    expect((await chat(gw, 'gpt-4o', { 'x-tenant': 'acme' })).status).toBe(200);
    expect(openaiUp.requests.at(-1)?.json).toMatchObject({ user: 'acme' });
  });
});
