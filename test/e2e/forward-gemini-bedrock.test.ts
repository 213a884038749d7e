import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import keys from '../../plugins/keys/index.ts';
import bedrock from '../../plugins/providers/bedrock/index.ts';
import gemini from '../../plugins/providers/gemini/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockAwsCredentials, startMockBedrock } from '../helpers/mock-upstream/bedrock.ts';
import { mockBedrockImageBase64 } from '../helpers/mock-upstream/bedrock-invoke-media.ts';
import { mockGeminiKey, startMockGemini } from '../helpers/mock-upstream/gemini.ts';
import { mockImagenBase64 } from '../helpers/mock-upstream/gemini-predict.ts';
import type { MockServer } from '../helpers/mock-upstream/server.ts';

// Images and rerank on Gemini (Imagen) and Bedrock (Nova Canvas, Cohere Rerank), translated both
// ways, through the official `openai` SDK and the same stages as any forwarded call: virtual keys,
// routing, fallbacks, spend.

const master = 'sk-master-forward-equivalents-0123';
const nova = 'amazon.nova-canvas-v1:0';
let gem: MockServer;
let br: MockServer;
let gw: RunningGateway;
let dataDir: string;
let client: OpenAI;
type Json = Record<string, unknown>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sy-forward-eq-'));
  [gem, br] = await Promise.all([startMockGemini(), startMockBedrock()]);
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        gemini({ apiKey: mockGeminiKey, baseURL: gem.url }),
        bedrock({ ...mockAwsCredentials, region: 'us-east-1', baseURL: br.url }),
        keys({ masterKey: master, dataDir }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1 }),
      ],
      models: [
        {
          name: 'any-painter',
          deployments: [
            // A key Gemini refuses (502 upstream_auth_failed): the call falls back to Bedrock.
            { provider: 'gemini', model: 'imagen-4.0-generate-001', apiKey: 'AIzaSyWrongKey-000000000000000000' },
            { provider: 'bedrock', model: nova },
          ],
        },
      ],
    }),
  );
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: master, maxRetries: 0 });
});

afterAll(async () => {
  await gw.close(1000);
  await Promise.all([gem.close(), br.close()]);
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  gem.reset();
  br.reset();
});

async function rerank(body: Json, key = master): Promise<Response> {
  return fetch(`${gw.url}/v1/rerank`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('Gemini: images.generate on Imagen', () => {
  test('n and size translated to :predict; the answer is b64_json images, as OpenAI gives them', async () => {
    const { data, response } = await client.images.generate({ model: 'gemini/imagen-4.0-generate-001', prompt: 'a red fox', n: 2, size: '1024x1024' }).withResponse();
    expect(data.data).toEqual([{ b64_json: mockImagenBase64('a red fox', 0) }, { b64_json: mockImagenBase64('a red fox', 1) }]);
    expect(typeof data.created).toBe('number');
    expect(response.headers.get('x-switchyard-provider')).toBe('gemini');
    expect(gem.requests).toHaveLength(1);
    expect(gem.requests[0]?.url).toBe('/v1beta/models/imagen-4.0-generate-001:predict');
    expect(gem.requests[0]?.json).toEqual({ instances: [{ prompt: 'a red fox' }], parameters: { sampleCount: 2, aspectRatio: '1:1' } });
    expect(gem.requests[0]?.headers['x-goog-api-key']).toBe(mockGeminiKey);
  });

  test('a bare imagen-* name routes to Gemini; one image unless n says otherwise', async () => {
    const image = await client.images.generate({ model: 'imagen-4.0-fast-generate-001', prompt: 'a boat', response_format: 'b64_json' });
    expect(image.data).toEqual([{ b64_json: mockImagenBase64('a boat', 0) }]);
    expect((gem.requests[0]?.json as Json).parameters).toEqual({ sampleCount: 1 });
  });

  test('what Imagen cannot honour is a 400 naming the parameter, before anything is sent', async () => {
    await expect(client.images.generate({ model: 'gemini/imagen-4.0-generate-001', prompt: 'p', response_format: 'url' })).rejects.toMatchObject({
      status: 400,
      code: 'unsupported_parameter',
      param: 'response_format',
    });
    await expect(client.images.generate({ model: 'gemini/imagen-4.0-generate-001', prompt: 'p', size: '1792x1024' })).rejects.toMatchObject({ status: 400, param: 'size' });
    await expect(client.images.generate({ model: 'gemini/imagen-4.0-generate-001', prompt: 'p', style: 'vivid' })).rejects.toMatchObject({ status: 400, param: 'style' });
    expect(gem.requests).toHaveLength(0);
  });

  test('every image held back by the safety filter: 400 content_policy_violation', async () => {
    await expect(client.images.generate({ model: 'gemini/imagen-4.0-generate-001', prompt: 'something forbidden' })).rejects.toMatchObject({
      status: 400,
      code: 'content_policy_violation',
    });
  });

  test('image edits, speech and rerank have no Gemini equivalent: 400 naming the provider', async () => {
    await expect(
      client.images.edit({ model: 'gemini/imagen-4.0-generate-001', image: await toFile(Buffer.from('PNG'), 'in.png', { type: 'image/png' }), prompt: 'a hat' }),
    ).rejects.toMatchObject({ status: 400, code: 'operation_not_supported', error: { message: "provider 'gemini' does not offer image edits" } });
    await expect(client.audio.speech.create({ model: 'gemini/gemini-2.0-flash', voice: 'alloy', input: 'hi' })).rejects.toMatchObject({
      status: 400,
      error: { message: "provider 'gemini' does not offer audio speech" },
    });
    const res = await rerank({ model: 'gemini/gemini-2.0-flash', query: 'q', documents: ['d'] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("provider 'gemini' does not offer rerank");
    expect(gem.requests).toHaveLength(0);
  });

  test("Gemini's own errors come back in OpenAI's envelope, as for chat", async () => {
    await expect(client.images.generate({ model: 'gemini/imagen-3.0-unknown', prompt: 'p' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('Bedrock: images.generate on Nova Canvas, rerank on Cohere Rerank', () => {
  test('size and quality translated to TEXT_IMAGE, signed with SigV4; the answer is b64_json images', async () => {
    const image = await client.images.generate({ model: `bedrock/${nova}`, prompt: 'a lighthouse', n: 2, size: '1792x1024', quality: 'hd' });
    expect(image.data).toEqual([{ b64_json: mockBedrockImageBase64('a lighthouse', 0) }, { b64_json: mockBedrockImageBase64('a lighthouse', 1) }]);
    expect(br.requests[0]?.url).toBe('/model/amazon.nova-canvas-v1%3A0/invoke');
    expect(br.requests[0]?.json).toEqual({
      taskType: 'TEXT_IMAGE',
      textToImageParams: { text: 'a lighthouse' },
      imageGenerationConfig: { numberOfImages: 2, width: 1792, height: 1024, quality: 'premium' },
    });
    expect(String(br.requests[0]?.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDMOCKBEDROCKTEST1\//);
  });

  test("Bedrock's refusals (a size Nova does not draw, its content filter) come back as 400s in OpenAI's envelope", async () => {
    await expect(client.images.generate({ model: `bedrock/${nova}`, prompt: 'p', size: '100x100' as '1024x1024' })).rejects.toMatchObject({ status: 400 });
    const err = await client.images.generate({ model: `bedrock/${nova}`, prompt: 'forbidden things' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect((err as Error).message).toMatch(/content filters/);
    await expect(client.images.generate({ model: `bedrock/${nova}`, prompt: 'p', response_format: 'url' })).rejects.toMatchObject({ status: 400, param: 'response_format' });
  });

  test("rerank at /v1/rerank in Cohere's shape: the documents ranked by Cohere Rerank through InvokeModel", async () => {
    const res = await rerank({ model: 'bedrock/cohere.rerank-v3-5:0', query: 'capital of France', documents: ['Berlin is in Germany', 'Paris is the capital of France', 'France'], top_n: 2 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: 'mock-rerank-id',
      results: [
        { index: 1, relevance_score: 1 },
        { index: 2, relevance_score: 0.333 },
      ],
    });
    expect(br.requests[0]?.url).toBe('/model/cohere.rerank-v3-5%3A0/invoke');
    expect(br.requests[0]?.json).toEqual({ query: 'capital of France', documents: ['Berlin is in Germany', 'Paris is the capital of France', 'France'], top_n: 2, api_version: 2 });
    const v1 = await rerank({ model: 'bedrock/cohere.rerank-v3-5:0', query: 'q', documents: ['d'], return_documents: true });
    expect(v1.status).toBe(400);
    expect(((await v1.json()) as { error: { param: string } }).error.param).toBe('return_documents');
  });

  test('a group falls back from a Gemini deployment that fails to a Bedrock one', async () => {
    const { data, response } = await client.images.generate({ model: 'any-painter', prompt: 'a tree' }).withResponse();
    expect(data.data).toEqual([{ b64_json: mockBedrockImageBase64('a tree', 0) }]);
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(gem.requests).toHaveLength(1);
    expect(br.requests).toHaveLength(1);
  });
});

describe('virtual keys and spend', () => {
  test('a key without the model is refused before anything is sent; allowed calls leave priced spend rows (unknown sizes null, never $0)', async () => {
    const made = await fetch(`${gw.url}/key/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key_alias: 'painter-eq', models: ['gemini/imagen-4.0-generate-001', `bedrock/${nova}`, 'bedrock/cohere.rerank-v3-5:0'] }),
    });
    const key = ((await made.json()) as { key: string }).key;
    const painter = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    await expect(painter.images.generate({ model: 'imagen-4.0-fast-generate-001', prompt: 'p' })).rejects.toMatchObject({ status: 403, code: 'model_not_allowed' });
    expect(gem.requests).toHaveLength(0);

    await painter.images.generate({ model: 'gemini/imagen-4.0-generate-001', prompt: 'two', n: 2 });
    await painter.images.generate({ model: `bedrock/${nova}`, prompt: 'hd', size: '1024x1792', quality: 'hd' });
    await painter.images.generate({ model: `bedrock/${nova}`, prompt: 'odd size', size: '1280x768' as '1024x1024' });
    expect((await rerank({ model: 'bedrock/cohere.rerank-v3-5:0', query: 'q', documents: ['a', 'b'] }, key)).status).toBe(200);

    let rows: { call_type: string; status: string; spend: number | null; model: string }[] = [];
    for (let i = 0; i < 50 && rows.length < 4; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const res = await fetch(`${gw.url}/spend/logs/v2?key_alias=painter-eq`, { headers: { authorization: `Bearer ${master}` } });
      rows = ((await res.json()) as { data: typeof rows }).data.filter((r) => r.status === 'success');
    }
    const spends = rows.map((r) => [r.call_type, r.spend]).sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    // Imagen 4 Standard: $0.04 an image, two; Nova Canvas premium past 1024x1024: $0.08; an
    // unlisted size: unknown; Cohere Rerank on Bedrock: one search, $0.002.
    expect(spends).toEqual([
      ['arerank', 0.002],
      ['aimage_generation', 0.08],
      ['aimage_generation', 0.08],
      ['aimage_generation', null],
    ]);
  });
});
