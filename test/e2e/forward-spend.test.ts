import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import keys from '../../plugins/keys/index.ts';
import metrics from '../../plugins/metrics/index.ts';
import cohere from '../../plugins/providers/cohere/index.ts';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockCohereKey, startMockCohere } from '../helpers/mock-upstream/cohere.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../helpers/mock-upstream/server.ts';
import { parsePromText, valueOf } from '../helpers/prom-text.ts';

// Forwarded calls (images, audio, moderations, rerank) through a gateway with a master key and a
// virtual key: each spend row carries the exact cost of its units, the key's budget is charged
// with it, and the metrics spend counter reads the same figure.

const master = 'sk-master-forward-spend-0123456789';
let upstream: MockServer;
let co: MockServer;
let gw: RunningGateway;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sy-forward-spend-'));
  [upstream, co] = await Promise.all([startMockOpenAI(), startMockCohere()]);
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }),
        cohere({ apiKey: mockCohereKey, baseURL: co.url }),
        keys({ masterKey: master, dataDir }),
        metrics({}),
        modelRouting({}),
        orderedFallback({}),
      ],
      models: [
        // A deployment's own price beats the shipped table, in the same shape.
        { name: 'house-voice', deployments: [{ provider: 'openai', model: 'tts-1', price: { perMillionCharacters: 100 } }] },
      ],
    }),
  );
});

afterAll(async () => {
  await gw.close(1000);
  await Promise.all([upstream.close(), co.close()]);
  rmSync(dataDir, { recursive: true, force: true });
});

async function admin(path: string, body?: unknown, method = 'POST'): Promise<Record<string, unknown>> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

interface Row {
  request_id: string;
  call_type: string;
  model: string;
  spend: number | null;
  status: string;
  total_tokens: number;
}

async function rowsOf(alias: string, count: number): Promise<Row[]> {
  let rows: Row[] = [];
  for (let i = 0; i < 50 && rows.length < count; i++) {
    await new Promise((r) => setTimeout(r, 100));
    rows = (await admin(`/spend/logs/v2?key_alias=${alias}`, undefined, 'GET')).data as Row[];
  }
  return rows;
}

describe('spend of forwarded calls', () => {
  test('images n=2, speech, a transcription answering usage seconds, moderations and rerank: the exact cost of each in /spend/logs/v2, charged to the key', async () => {
    const key = (await admin('/key/generate', { key_alias: 'media', max_budget: 10 })).key as string;
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });

    const images = await client.images.generate({ model: 'dall-e-3', prompt: 'a lighthouse', n: 2, size: '1024x1792', quality: 'hd' });
    expect(images.data).toHaveLength(2);
    const input = 'Hello from the gateway, ünïcode 👋';
    expect([...input]).toHaveLength(33); // 34 UTF-16 units: the emoji is one character
    const speech = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input });
    expect((await speech.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const transcript = await client.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(Buffer.from('spoken words'), 'talk.mp3') });
    expect(transcript.text).toBe('spoken words');
    const moderation = await client.moderations.create({ model: 'omni-moderation-latest', input: 'a calm sentence' });
    expect(moderation.results).toHaveLength(1);
    const rerank = await fetch(`${gw.url}/v2/rerank`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'rerank-v3.5', query: 'capital of France', documents: ['Paris', 'Berlin'] }),
    });
    expect(rerank.status).toBe(200);

    const rows = await rowsOf('media', 5);
    const spendOf = (callType: string): number | null | undefined => rows.find((r) => r.call_type === callType && r.status === 'success')?.spend;
    expect(rows.every((r) => r.status === 'success')).toBe(true);
    // dall-e-3 HD 1024x1792: $0.12 an image, two images.
    expect(spendOf('aimage_generation')).toBe(0.24);
    // tts-1: $15 per million characters, 33 characters.
    expect(spendOf('aspeech')).toBe(0.000495);
    // whisper-1: $0.006 a minute; the mock answers usage {type: 'duration', seconds: 3}.
    expect(spendOf('atranscription')).toBe(0.0003);
    // Moderations are free: a real $0, not an unknown cost.
    expect(spendOf('amoderation')).toBe(0);
    // Cohere bills one search unit (its answer says so): $0.002.
    expect(spendOf('arerank')).toBe(0.002);

    // The key's budget was charged the same amounts.
    const own = await fetch(`${gw.url}/key/info`, { headers: { authorization: `Bearer ${key}` } });
    expect(own.status).toBe(200);
    const spent = ((await own.json()) as { info: { spend: number } }).info.spend;
    expect(spent).toBeCloseTo(0.24 + 0.000495 + 0.0003 + 0.002, 12);

    // The metrics spend counter reads the same cost function.
    const res = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${master}` } });
    const { samples } = parsePromText(await res.text());
    expect(valueOf(samples, 'switchyard_spend_usd_total', { model: 'dall-e-3', provider: 'openai', team_id: '' })).toBeCloseTo(0.24, 12);
    expect(valueOf(samples, 'switchyard_spend_usd_total', { model: 'whisper-1', provider: 'openai', team_id: '' })).toBeCloseTo(0.0003, 12);
    // Counted as model calls, and the in-flight gauge taken at the route stage is given back.
    expect(valueOf(samples, 'switchyard_requests_total', { route: '/v1/images/generations', status_code: '200', model: 'dall-e-3', provider: 'openai', team_id: '' })).toBe(1);
    for (const route of ['/v1/images/generations', '/v1/audio/speech', '/v1/audio/transcriptions', '/v1/moderations', '/v1/rerank']) {
      expect(valueOf(samples, 'switchyard_inflight_requests', { route }), route).toBe(0);
    }
  });

  test("a transcription whose answer states no duration (text format): spend null, never $0; a deployment's own price is used", async () => {
    const key = (await admin('/key/generate', { key_alias: 'plain' })).key as string;
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    const text = await client.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(Buffer.from('words'), 'a.mp3'), response_format: 'text' });
    expect(String(text)).toContain('words');
    await client.audio.speech.create({ model: 'house-voice', voice: 'alloy', input: 'ten chars!' });
    const rows = await rowsOf('plain', 2);
    expect(rows.find((r) => r.call_type === 'atranscription')?.spend).toBeNull();
    // 10 characters at the deployment's $100 per million, not the table's $15.
    expect(rows.find((r) => r.call_type === 'aspeech')).toMatchObject({ model: 'tts-1', spend: 0.001 });
  });
});

describe("budgetMode 'reserve': a forwarded call reserves the cost its request names", () => {
  let strict: RunningGateway;
  let strictDir: string;

  beforeAll(async () => {
    strictDir = mkdtempSync(join(tmpdir(), 'sy-forward-reserve-'));
    strict = await startTestGateway(
      defineConfig({
        plugins: [
          openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }),
          keys({ masterKey: master, dataDir: strictDir, budgetMode: 'reserve' }),
          modelRouting({}),
          orderedFallback({}),
        ],
      }),
    );
  });

  afterAll(async () => {
    await strict.close(1000);
    rmSync(strictDir, { recursive: true, force: true });
  });

  test('images that would pass the budget are refused with 402 before anything is sent; what fits is charged', async () => {
    const made = await fetch(`${strict.url}/key/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key_alias: 'strict', max_budget: 0.2 }),
    });
    const key = ((await made.json()) as { key: string }).key;
    const client = new OpenAI({ baseURL: `${strict.url}/v1`, apiKey: key, maxRetries: 0 });
    const hd = { model: 'dall-e-3', prompt: 'p', size: '1024x1792', quality: 'hd' } as const;
    const before = upstream.requests.length;
    // Two HD images: $0.24 > $0.20.
    await expect(client.images.generate({ ...hd, n: 2 })).rejects.toMatchObject({ status: 402 });
    expect(upstream.requests.length).toBe(before);
    await client.images.generate({ ...hd, n: 1 });
    // $0.12 spent: another $0.12 would pass $0.20.
    await expect(client.images.generate({ ...hd, n: 1 })).rejects.toMatchObject({ status: 402 });
    expect(upstream.requests.length).toBe(before + 1);
    // The key's record is updated when the spend writer flushes.
    let spend = 0;
    for (let i = 0; i < 50 && spend === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const own = await fetch(`${strict.url}/key/info`, { headers: { authorization: `Bearer ${key}` } });
      spend = ((await own.json()) as { info: { spend: number } }).info.spend;
    }
    expect(spend).toBeCloseTo(0.12, 12);
  });
});
