import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import keys from '../../plugins/keys/index.ts';
import anthropic from '../../plugins/providers/anthropic/index.ts';
import cohere from '../../plugins/providers/cohere/index.ts';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockCohereKey, startMockCohere } from '../helpers/mock-upstream/cohere.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import { mockPngBase64, mockSpeechBytes, parseForm } from '../helpers/mock-upstream/openai-media.ts';
import { faults, type MockServer } from '../helpers/mock-upstream/server.ts';

const master = 'sk-master-passthrough-routes-0123';
const bodyLimit = 4 * 1024 * 1024;
let upstream: MockServer;
let co: MockServer;
let gw: RunningGateway;
let dataDir: string;
let client: OpenAI;
type Json = Record<string, unknown>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sy-forward-'));
  upstream = await startMockOpenAI();
  co = await startMockCohere();
  gw = await startTestGateway(
    defineConfig({
      server: { bodyLimit },
      plugins: [
        openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }),
        cohere({ apiKey: mockCohereKey, baseURL: co.url }),
        anthropic({ apiKey: 'sk-ant-unused', baseURL: 'http://127.0.0.1:9' }),
        keys({ masterKey: master, dataDir }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1 }),
      ],
      models: [
        {
          name: 'pictures',
          deployments: [
            { provider: 'openai', model: 'dall-e-3' },
            { provider: 'openai', model: 'gpt-image-1' },
          ],
        },
        { name: 'claude-pictures', deployments: [{ provider: 'anthropic', model: 'claude-3-5-sonnet-latest' }] },
        {
          name: 'mixed-pictures',
          deployments: [
            { provider: 'anthropic', model: 'claude-3-5-sonnet-latest' },
            { provider: 'openai', model: 'dall-e-3' },
          ],
        },
      ],
    }),
  );
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: master, maxRetries: 0 });
});

afterAll(async () => {
  await gw.close(1000);
  await upstream.close();
  await co.close();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  upstream.reset();
  co.reset();
});

const sent = (i = 0): { url: string; json: Json; body: string; type: string } => {
  const r = upstream.requests[i];
  if (r === undefined) throw new Error(`no upstream request ${i}`);
  return { url: r.url, json: r.json as Json, body: r.body, type: String(r.headers['content-type']) };
};

/** A multipart body with `model` first and a large file after it, as bytes and its content type. */
function modelFirstForm(model: string, fileBytes: number): { body: Buffer; type: string; file: string } {
  const boundary = 'sy-test-boundary-42';
  const file = 'a'.repeat(fileBytes);
  const body = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\n${model}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="long.mp3"\r\nContent-Type: audio/mpeg\r\n\r\n${file}\r\n` +
      `--${boundary}--\r\n`,
  );
  return { body, type: `multipart/form-data; boundary=${boundary}`, file };
}

describe('images, audio, moderations and rerank, forwarded through the stages', () => {
  test('images.generate: a bare dall-e-3 goes to OpenAI as sent; openai/gpt-image-1 arrives as gpt-image-1', async () => {
    const image = await client.images.generate({ model: 'dall-e-3', prompt: 'a red fox', n: 2 });
    expect(image.data?.map((d) => d.url)).toEqual(['https://images.example/mock-0.png', 'https://images.example/mock-1.png']);
    expect(sent().url).toBe('/v1/images/generations');
    expect(sent().json).toEqual({ model: 'dall-e-3', prompt: 'a red fox', n: 2 });

    const { data, response } = await client.images.generate({ model: 'openai/gpt-image-1', prompt: 'a cat', response_format: 'b64_json' }).withResponse();
    expect(data.data?.[0]?.b64_json).toBe(mockPngBase64);
    expect(sent(1).json).toEqual({ model: 'gpt-image-1', prompt: 'a cat', response_format: 'b64_json' });
    expect(response.headers.get('x-switchyard-provider')).toBe('openai');
  });

  test('audio.speech.create: the audio bytes arrive whole, as audio/mpeg, the first before the upstream has finished', async () => {
    const input = 'hello there';
    const expected = mockSpeechBytes(input);
    let finish: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (finish = resolve));
    upstream.override(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      res.write(expected.subarray(0, 1000));
      await held;
      res.end(expected.subarray(1000));
    });
    const response = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input });
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    // The upstream is still holding the rest: this chunk was passed on as it arrived.
    expect(Buffer.from(first.value as Uint8Array)).toEqual(expected.subarray(0, (first.value as Uint8Array).length));
    finish();
    const parts = [Buffer.from(first.value as Uint8Array)];
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      parts.push(Buffer.from(next.value));
    }
    expect(Buffer.concat(parts)).toEqual(expected);
    expect(sent().url).toBe('/v1/audio/speech');
    expect(sent().json).toEqual({ model: 'tts-1', voice: 'alloy', input });
  });

  test('audio.speech.create through the strict mock: the chunked audio is the expected bytes', async () => {
    const response = await client.audio.speech.create({ model: 'openai/tts-1', voice: 'nova', input: 'chunks' });
    expect(Buffer.from(await response.arrayBuffer())).toEqual(mockSpeechBytes('chunks'));
    expect(sent().json.model).toBe('tts-1');
  });

  test('audio.transcriptions.create and translations with a file: the upload arrives intact, the model renamed', async () => {
    const text = await client.audio.transcriptions.create({ file: await toFile(Buffer.from('spoken words'), 'talk.mp3'), model: 'openai/whisper-1' });
    expect(text.text).toBe('spoken words');
    expect(sent().url).toBe('/v1/audio/transcriptions');
    const parts = parseForm(sent().type, sent().body) ?? [];
    expect(parts.map((p) => [p.name, p.value])).toEqual([
      ['file', 'spoken words'],
      ['model', 'whisper-1'],
    ]);
    expect(parts[0]?.filename).toBe('talk.mp3');

    const translated = await client.audio.translations.create({ file: await toFile(Buffer.from('hola'), 'es.mp3'), model: 'whisper-1' });
    expect(translated.text).toBe('translated: hola');
    expect(sent(1).url).toBe('/v1/audio/translations');
  });

  test('images.edit: a multipart upload with an image file is forwarded', async () => {
    const edited = await client.images.edit({ model: 'gpt-image-1', image: await toFile(Buffer.from('PNGDATA'), 'in.png', { type: 'image/png' }), prompt: 'add a hat' });
    expect(edited.data?.[0]?.b64_json).toBe(mockPngBase64);
    expect(sent().url).toBe('/v1/images/edits');
    expect(parseForm(sent().type, sent().body)?.find((p) => p.name === 'image')?.value).toBe('PNGDATA');
  });

  test('moderations.create: the answer as OpenAI gives it', async () => {
    const result = await client.moderations.create({ model: 'omni-moderation-latest', input: 'I will kill the process' });
    expect(result.results[0]?.flagged).toBe(true);
    expect(result.results[0]?.categories.violence).toBe(true);
    expect(sent().url).toBe('/v1/moderations');
  });

  test("rerank in Cohere's shape at /v1/rerank and /v2/rerank, to Cohere's /v2/rerank", async () => {
    const body = { model: 'rerank-v3.5', query: 'capital of France', documents: ['Berlin is in Germany', 'Paris is the capital of France', 'France'], top_n: 2 };
    for (const path of ['/v1/rerank', '/v2/rerank', '/rerank']) {
      const res = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { results: { index: number; relevance_score: number }[] };
      expect(answer.results).toEqual([
        { index: 1, relevance_score: 1 },
        { index: 2, relevance_score: 0.333 },
      ]);
    }
    expect(co.requests.map((r) => r.url)).toEqual(['/v2/rerank', '/v2/rerank', '/v2/rerank']);
    expect(co.requests[0]?.json).toEqual(body);
  });
});

test('/openapi.json lists every forwarded route once', async () => {
  const doc = (await (await fetch(`${gw.url}/openapi.json`)).json()) as { paths: Record<string, { post?: { tags?: string[] } }> };
  const forwarded = Object.entries(doc.paths)
    .filter(([, item]) => item.post?.tags?.includes('forwarded') === true)
    .map(([path]) => path);
  expect(forwarded).toEqual([
    '/v1/images/generations',
    '/v1/images/edits',
    '/v1/audio/speech',
    '/v1/audio/transcriptions',
    '/v1/audio/translations',
    '/v1/moderations',
    '/v1/rerank',
    '/v2/rerank',
  ]);
});

describe('refusals', () => {
  test("a provider without the operation: 400 naming it (provider/model and a group), nothing sent", async () => {
    await expect(client.images.generate({ model: 'anthropic/claude-3-5-sonnet-latest', prompt: 'x' })).rejects.toMatchObject({
      status: 400,
      code: 'operation_not_supported',
      error: { message: "provider 'anthropic' does not offer images", param: 'model' },
    });
    await expect(client.audio.speech.create({ model: 'claude-pictures', voice: 'alloy', input: 'x' })).rejects.toMatchObject({
      status: 400,
      error: { message: "provider 'anthropic' does not offer audio speech" },
    });
    const res = await fetch(`${gw.url}/v1/rerank`, {
      method: 'POST',
      headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/rerank-x', query: 'q', documents: ['d'] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("provider 'openai' does not offer rerank");
    expect(upstream.requests).toHaveLength(0);
  });

  test('in a group, deployments of providers without the operation are left out; the others serve', async () => {
    const { data, response } = await client.images.generate({ model: 'mixed-pictures', prompt: 'a boat' }).withResponse();
    expect(data.data?.[0]?.url).toBe('https://images.example/mock-0.png');
    expect(response.headers.get('x-switchyard-attempts')).toBe('1');
    expect(sent().json.model).toBe('dall-e-3');
  });

  test('a virtual key without the model: 403 model_not_allowed; with it, the call passes and leaves a spend row', async () => {
    const made = await fetch(`${gw.url}/key/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
      body: JSON.stringify({ models: ['dall-e-3'], key_alias: 'painter' }),
    });
    const key = ((await made.json()) as { key: string }).key;
    const painter = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    await expect(painter.audio.transcriptions.create({ file: await toFile(Buffer.from('x'), 'a.mp3'), model: 'whisper-1' })).rejects.toMatchObject({
      status: 403,
      code: 'model_not_allowed',
    });
    await expect(painter.moderations.create({ model: 'omni-moderation-latest', input: 'x' })).rejects.toMatchObject({ status: 403 });
    expect(upstream.requests).toHaveLength(0);
    await painter.images.generate({ model: 'dall-e-3', prompt: 'ok' });
    let rows: { call_type: string; status: string; spend: number | null; model: string; total_tokens: number }[] = [];
    for (let i = 0; i < 50 && rows.length < 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const res = await fetch(`${gw.url}/spend/logs/v2?key_alias=painter`, { headers: { authorization: `Bearer ${master}` } });
      rows = ((await res.json()) as { data: typeof rows }).data.filter((r) => r.status === 'success');
    }
    expect(rows).toHaveLength(1);
    // dall-e-3 at its default size and quality: $0.04 an image (the shipped table).
    expect(rows[0]).toMatchObject({ call_type: 'aimage_generation', model: 'dall-e-3', total_tokens: 0, spend: 0.04 });
  });

  test('an upload over the body limit: 413, from its content-length, nothing sent', async () => {
    await expect(
      client.audio.transcriptions.create({ file: await toFile(Buffer.alloc(bodyLimit + 1, 0x61), 'big.mp3'), model: 'whisper-1' }),
    ).rejects.toMatchObject({ status: 413, code: 'request_too_large' });
    expect(upstream.requests).toHaveLength(0);
  });

  test('a chunked upload that passes the limit while streaming upstream: 413', async () => {
    const { body, type } = modelFirstForm('whisper-1', bodyLimit + 1024);
    const piece = 256 * 1024;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < body.length; at += piece) controller.enqueue(body.subarray(at, at + piece));
        controller.close();
      },
    });
    const res = await fetch(`${gw.url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${master}`, 'content-type': type },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
  });
});

describe('fallbacks and uploads larger than the read-ahead', () => {
  test('an upstream 500 on images falls back to the next deployment of the group', async () => {
    upstream.override(faults.status(500, { error: { message: 'boom', type: 'server_error', param: null, code: null } }));
    const image = await client.images.generate({ model: 'pictures', prompt: 'a tree' });
    expect(image.data?.[0]?.url).toBe('https://images.example/mock-0.png');
    expect(upstream.requests.map((r) => (r.json as Json).model)).toEqual(['dall-e-3', 'gpt-image-1']);
  });

  test('a model-first upload past the read-ahead streams upstream intact, its model renamed', async () => {
    const { body, type, file } = modelFirstForm('openai/whisper-1', 2 * 1024 * 1024);
    const res = await fetch(`${gw.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${master}`, 'content-type': type }, body });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { text: string }).text).toBe(file);
    expect(Number(upstream.requests[0]?.headers['content-length'])).toBe(body.length - 'openai/'.length);
    expect(parseForm(sent().type, sent().body)?.map((p) => p.name)).toEqual(['model', 'file']);
    expect(parseForm(sent().type, sent().body)?.[0]?.value).toBe('whisper-1');
  });

  test('a streamed upload is sent once: a failed first attempt is the answer, not retried', async () => {
    upstream.override(faults.status(500, { error: { message: 'down', type: 'server_error', param: null, code: null } }), 5);
    const { body, type } = modelFirstForm('whisper-1', 2 * 1024 * 1024);
    const res = await fetch(`${gw.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${master}`, 'content-type': type }, body });
    expect(res.status).toBe(502);
    expect(upstream.requests).toHaveLength(1);
  });

  test('a small upload is held whole, so a failed attempt is retried with the same bytes', async () => {
    upstream.override(faults.status(500, { error: { message: 'down', type: 'server_error', param: null, code: null } }));
    const text = await client.audio.transcriptions.create({ file: await toFile(Buffer.from('again'), 'a.mp3'), model: 'whisper-1' });
    expect(text.text).toBe('again');
    expect(upstream.requests).toHaveLength(2);
    expect(upstream.requests[1]?.body).toBe(upstream.requests[0]?.body);
  });
});
