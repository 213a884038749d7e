import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, startGateway, type RunningGateway } from 'switchyard';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import requestLog from '../../plugins/log/pino/index.ts';
import anthropic from '../../plugins/providers/anthropic/index.ts';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { root, startGatewayProcess, type ServingGateway } from '../helpers/cli.ts';
import { mockAnthropicKey, startMockAnthropic } from '../helpers/mock-upstream/anthropic.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../helpers/mock-upstream/server.ts';
import { readEnvelope, send, sseData, type Answer } from './client.ts';
import { startFaultServer, type FaultServer } from './fault-upstream.ts';
import { captureLog, clientHeaders, masterKeyValue, secretsInLog, type LogCapture } from './harness.ts';
import { allSecrets, secrets, wires } from './wires.ts';

/**
 * Property-based fuzzing of request bodies: whatever a client sends, the gateway never answers
 * 500, every refusal is an OpenAI envelope (small: client input is echoed cut), every 200 is a
 * well-formed answer, and the gateway keeps serving. A fixed seed and about 400 cases in CI;
 * `FUZZ_RUNS=<cases>` scales every property to about that many cases in all (and `FUZZ_SEED`
 * picks another seed).
 */
const seed = Number(process.env.FUZZ_SEED ?? 20_261_204);
const totalRuns = Number(process.env.FUZZ_RUNS ?? 0);
const baseTotal = 400;
/** A property's share of the cases: `base` of the default 400, scaled to FUZZ_RUNS. */
const runs = (base: number): number => (totalRuns > 0 ? Math.max(1, Math.round((base * totalRuns) / baseTotal)) : base);
const long = totalRuns > baseTotal;
const propertyTimeout = (base: number): number => 30_000 + (long ? runs(base) * 200 : 0);

/** Largest error body a refusal may have: the envelope echoes client text cut to a few hundred characters. */
const maxErrorBytes = 8_192;

let openaiUp: MockServer;
let anthropicUp: MockServer;
let gw: RunningGateway;
let log: LogCapture;

beforeAll(async () => {
  [openaiUp, anthropicUp] = await Promise.all([startMockOpenAI(), startMockAnthropic()]);
  log = captureLog('info');
  gw = await startGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: mockOpenAIKey, baseURL: `${openaiUp.url}/v1` }),
        anthropic({ apiKey: mockAnthropicKey, baseURL: anthropicUp.url }),
        masterKey({ key: masterKeyValue }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1 }),
        requestLog({}),
      ],
      models: [
        { name: 'grp', deployments: [{ provider: 'openai', model: 'gpt-4o' }], fallbacks: ['claude-grp'] },
        { name: 'claude-grp', deployments: [{ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' }] },
      ],
    }),
    { port: 0, host: '127.0.0.1', log: log.logger },
  );
});

afterAll(async () => {
  await gw?.close(200);
  await Promise.all([openaiUp?.close(), anthropicUp?.close()]);
});

const paths = ['/v1/chat/completions', '/v1/embeddings', '/v1/completions', '/chat/completions', '/embeddings'] as const;
/** Names that route (bare, provider-qualified, a group with a fallback, a translated provider) and some that do not. */
const models = ['gpt-4o', 'openai/gpt-4o', 'grp', 'claude-3-5-sonnet-20241022', 'anthropic/claude-3-5-sonnet-20241022', 'text-embedding-3-small', 'gpt-3.5-turbo-instruct', 'no-such-model'];

const validChat = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };
const validBodies: readonly [string, Record<string, unknown>][] = [
  ['/v1/chat/completions', validChat],
  ['/v1/chat/completions', { ...validChat, stream: true, stream_options: { include_usage: true } }],
  ['/v1/chat/completions', { ...validChat, model: 'claude-3-5-sonnet-20241022', max_tokens: 32 }],
  ['/v1/chat/completions', { ...validChat, model: 'grp', tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }] }],
  ['/v1/embeddings', { model: 'text-embedding-3-small', input: ['a', 'b'] }],
  ['/v1/completions', { model: 'gpt-3.5-turbo-instruct', prompt: 'Say hi' }],
];

/** Why an answer breaks the rules, or undefined when it keeps them. */
function violation(a: Answer): string | undefined {
  if (a.failure !== undefined) return `no complete answer: ${a.failure}`;
  if (a.status === 500) return `500: ${a.body.toString('utf8').slice(0, 300)}`;
  if (a.status >= 400) {
    try {
      readEnvelope(a);
    } catch (err) {
      return (err as Error).message;
    }
    if (a.body.length > maxErrorBytes) return `an error body of ${a.body.length} bytes (client input echoed uncut)`;
    return undefined;
  }
  if (a.status !== 200) return `status ${a.status}`;
  const text = a.body.toString('utf8');
  if (String(a.headers['content-type']).startsWith('text/event-stream')) {
    const data = sseData(text);
    const last = data.at(-1);
    if (last === undefined) return 'an empty stream';
    for (const d of data.slice(0, -1)) {
      try {
        JSON.parse(d);
      } catch {
        return `a stream event that is not JSON: ${d.slice(0, 100)}`;
      }
    }
    if (last !== '[DONE]' && !last.startsWith('{"error"')) return `a stream ending with neither [DONE] nor an error: ${last.slice(0, 100)}`;
    return undefined;
  }
  try {
    JSON.parse(text);
  } catch {
    return `a 200 that is not JSON: ${text.slice(0, 200)}`;
  }
  return undefined;
}

const post = (path: string, body: string | Buffer, headers: Record<string, string> = clientHeaders): Promise<Answer> =>
  send(`${gw.url}${path}`, body, { headers, limitMs: 20_000 });

async function holds(path: string, body: string | Buffer, headers?: Record<string, string>): Promise<void> {
  const answer = await post(path, body, headers);
  const problem = violation(answer);
  if (problem !== undefined) throw new Error(`${path} ${problem}\nbody: ${body.toString().slice(0, 300)}`);
}

async function stillServing(): Promise<void> {
  const health = await send(`${gw.url}/health`, undefined);
  expect(health.status).toBe(200);
  const chat = await post('/v1/chat/completions', JSON.stringify(validChat));
  expect(chat.status).toBe(200);
}

/**
 * Where a deeply nested value goes: fields the schema rejects (model, content, input, prompt) and
 * free-form ones it accepts (metadata, a tool's parameters, a JSON schema), on every path: bytes
 * forwarded (bare name), re-serialised (provider/model, a group) and translated (Anthropic).
 */
const placements: readonly ((nest: string) => [string, string])[] = [
  (n) => ['/v1/chat/completions', `{"model":${n},"messages":[{"role":"user","content":"hi"}]}`],
  (n) => ['/v1/chat/completions', `{"model":"openai/gpt-4o","messages":[{"role":"user","content":${n}}]}`],
  (n) => ['/v1/chat/completions', `{"model":"grp","messages":[{"role":"user","content":"hi"}],"metadata":${n}}`],
  (n) => ['/v1/chat/completions', `{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"metadata":${n}}`],
  (n) => ['/v1/chat/completions', `{"model":"openai/gpt-4o","messages":[{"role":"user","content":"hi"}],"metadata":${n}}`],
  (n) => ['/v1/chat/completions', `{"model":"claude-3-5-sonnet-20241022","messages":[{"role":"user","content":"hi"}],"metadata":${n}}`],
  (n) => ['/v1/chat/completions', `{"model":"claude-3-5-sonnet-20241022","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"p":${n}}}}}]}`],
  (n) => ['/v1/chat/completions', `{"model":"gpt-4o","messages":[{"role":"user","content":"json"}],"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object","properties":{"p":${n}}}}}}`],
  (n) => ['/v1/embeddings', `{"model":"text-embedding-3-small","input":${n}}`],
  (n) => ['/v1/completions', `{"model":"gpt-3.5-turbo-instruct","prompt":${n}}`],
];

const options = (base: number) => ({ seed, numRuns: runs(base), endOnFailure: false });

/** Any JSON value, including keys that matter to the gateway. */
const anyJson = fc.jsonValue({ maxDepth: 4 });
const field = fc.constantFrom(
  'model', 'messages', 'stream', 'stream_options', 'n', 'tools', 'tool_choice', 'response_format', 'max_tokens', 'temperature',
  'input', 'prompt', 'user', 'metadata', 'encoding_format', 'dimensions', '__proto__', 'constructor', '',
);

describe('fuzzed request bodies (in-process gateway)', () => {
  test('random JSON values as bodies', { timeout: propertyTimeout(80) }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), anyJson, async (path, value) => holds(path, JSON.stringify(value))),
      options(80),
    );
    await stillServing();
  });

  test('mutations of valid chat, embeddings and completions requests', { timeout: propertyTimeout(150) }, async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: field, value: anyJson }),
      fc.record({ kind: fc.constant('delete' as const), key: field }),
      fc.record({ kind: fc.constant('model' as const), value: fc.oneof(fc.constantFrom(...models), fc.string({ unit: fc.constantFrom(...'abcgpt-4o/_.:'), maxLength: 30 })) }),
      fc.record({ kind: fc.constant('message' as const), value: anyJson }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...validBodies), fc.array(mutation, { minLength: 1, maxLength: 4 }), async ([path, valid], mutations) => {
        const body: Record<string, unknown> = structuredClone(valid);
        for (const m of mutations) {
          if (m.kind === 'set') body[m.key] = m.value;
          else if (m.kind === 'delete') delete body[m.key];
          else if (m.kind === 'model') body.model = m.value;
          else body.messages = [...(Array.isArray(body.messages) ? body.messages : []), m.value];
        }
        await holds(path, JSON.stringify(body));
      }),
      options(150),
    );
    await stillServing();
  });

  test('random bytes, with and without a JSON content type', { timeout: propertyTimeout(50) }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.oneof(fc.uint8Array({ maxLength: 2_000 }), fc.string({ unit: 'binary', maxLength: 500 }).map((s) => Buffer.from(s, 'utf8'))),
        fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', ''),
        async (path, bytes, type) => holds(path, Buffer.from(bytes), { authorization: clientHeaders.authorization, ...(type === '' ? {} : { 'content-type': type }) }),
      ),
      options(50),
    );
    await stillServing();
  });

  test('deep nesting: 20,000 levels of arrays and of objects in every placement answers 400', async () => {
    const problems: string[] = [];
    for (const [at, place] of placements.entries()) {
      for (const arrays of [true, false]) {
        const depth = 20_000;
        const nest = arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        const [path, body] = place(nest);
        const answer = await post(path, body);
        const problem = violation(answer) ?? (answer.status === 400 ? undefined : `status ${answer.status}, expected 400`);
        if (problem !== undefined) problems.push(`placement ${at} (${arrays ? 'arrays' : 'objects'}) ${path}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
    await stillServing();
  });

  test('deep nesting (2,000 to 20,000 levels, above any sensible depth limit) in every kind of field answers 400, never 500', { timeout: propertyTimeout(30) }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: placements.length - 1 }), fc.integer({ min: 2_000, max: 20_000 }), fc.boolean(), async (at, depth, arrays) => {
        const nest = arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        const [path, body] = (placements[at] as (n: string) => [string, string])(nest);
        const answer = await post(path, body);
        const problem = violation(answer);
        if (problem !== undefined) throw new Error(`${path} depth ${depth} (${arrays ? 'arrays' : 'objects'}) in placement ${at}: ${problem}`);
        if (answer.status !== 400) throw new Error(`${path} depth ${depth} in placement ${at}: status ${answer.status}, expected 400`);
      }),
      options(30),
    );
    await stillServing();
  });

  test('huge strings (1 to 6 MB) in model, content, user and input', { timeout: propertyTimeout(8) * 2 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.constantFrom('model', 'content', 'user', 'input', 'name'), fc.constantFrom('x', 'é', '🚀', '\u0000'), async (mb, where, ch) => {
        const huge = ch.repeat(Math.floor((mb * 1024 * 1024) / Buffer.byteLength(ch)));
        const chat = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] } as Record<string, unknown>;
        let path = '/v1/chat/completions';
        if (where === 'model') chat.model = huge;
        else if (where === 'content') chat.messages = [{ role: 'user', content: huge }];
        else if (where === 'user') chat.user = huge;
        else if (where === 'name') chat.messages = [{ role: 'user', content: 'hi', name: huge }];
        else {
          path = '/v1/embeddings';
          await holds(path, JSON.stringify({ model: 'text-embedding-3-small', input: huge }));
          return;
        }
        await holds(path, JSON.stringify(chat));
      }),
      options(8),
    );
    await stillServing();
  });

  test('duplicate keys: refused with 400, or upstream sees exactly what was validated', { timeout: propertyTimeout(30) }, async () => {
    const chatModels = ['gpt-4o', 'gpt-4o-mini', 'o3-mini'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...chatModels),
        fc.constantFrom(...chatModels),
        fc.boolean(),
        fc.constantFrom('model', 'stream'),
        async (first, last, stream, duplicated) => {
          fc.pre(duplicated === 'stream' || first !== last);
          const head = duplicated === 'model' ? `"model":${JSON.stringify(first)},"model":${JSON.stringify(last)}` : `"model":${JSON.stringify(last)},"stream":${!stream},"stream":${stream}`;
          const body = `{${head},"messages":[{"role":"user","content":"hi"}]}`;
          const before = openaiUp.requests.length;
          const answer = await post('/v1/chat/completions', body);
          const problem = violation(answer);
          if (problem !== undefined) throw new Error(`${body}: ${problem}`);
          if (answer.status === 400) return;
          const sent = openaiUp.requests.slice(before).map((r) => r.body);
          const unvalidated = duplicated === 'model' ? `"${first}"` : `"stream":${!stream}`;
          const bad = sent.filter((s) => s.includes(unvalidated));
          if (bad.length > 0) throw new Error(`${body}: answered ${answer.status} and forwarded the value that was never validated: ${bad[0]?.slice(0, 200)}`);
        },
      ),
      options(30),
    );
    await stillServing();
  });

  test('no log line carries a stack of a failure inside the gateway', () => {
    const internal = log.lines.filter((l) => l.includes('failed inside the gateway') || l.includes('"status":500'));
    expect(internal.map((l) => l.slice(0, 400))).toEqual([]);
    expect(secretsInLog(log.lines, [mockOpenAIKey, mockAnthropicKey])).toEqual([]);
  });
});

describe('odd unicode in model names (a spawned gateway, so a crash is seen as one)', () => {
  let child: ServingGateway;
  let up: FaultServer;

  beforeAll(async () => {
    // An upstream that answers any model name (a strict one refuses unknown names before the
    // gateway would put them in a response header).
    up = await startFaultServer(wires.openai);
    child = await startGatewayProcess(
      join(root, 'bin', 'switchyard.js'),
      [],
      { SWITCHYARD_MASTER_KEY: masterKeyValue, OPENAI_API_KEY: secrets.openai, OPENAI_BASE_URL: `${up.url}/v1` },
      30_000,
    );
  }, 40_000);

  afterAll(async () => {
    child?.kill();
    await up?.close();
  });

  test('any string as a model name: an answer or an envelope, and the process lives on', { timeout: propertyTimeout(50) }, async () => {
    const name = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.string({ unit: fc.constantFrom('\u0000', '\r', '\n', '\t', '\u007f', '\u0085', '\u00ff', '\u0100', '\u2028', '\ud800', '\udfff', '\ufeff', 'a', '/'), maxLength: 12 }),
    );
    const prefix = fc.constantFrom('', 'openai/', 'gpt-4o', 'gpt-');
    await fc.assert(
      fc.asyncProperty(prefix, name, fc.boolean(), async (p, n, stream) => {
        const model = p + n;
        const answer = await send(`http://127.0.0.1:${child.port}/v1/chat/completions`, JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }), {
          headers: clientHeaders,
          limitMs: 15_000,
        });
        const problem = violation(answer);
        if (problem !== undefined) throw new Error(`model ${JSON.stringify(model)}: ${problem}`);
        if (child.child.exitCode !== null || child.child.signalCode !== null) throw new Error(`model ${JSON.stringify(model)}: the gateway process died`);
      }),
      // A dead process fails every later case: report the first failure as it is.
      { seed, numRuns: runs(50), endOnFailure: true },
    );
    const health = await send(`http://127.0.0.1:${child.port}/health`, undefined);
    expect(health.status).toBe(200);
    expect(allSecrets.filter((s) => child.output().includes(s))).toEqual([]);
  });
});
