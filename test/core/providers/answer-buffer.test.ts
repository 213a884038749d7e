import type { ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type Outcome, type Plugin, type RunningGateway, type Usage } from 'switchyard';
import { AnswerLease, bufferedAnswerBytes, configureAnswerBuffers } from '../../../core/http/answer-budget.ts';
import { usageFromTail } from '../../../core/stream/usage-tail.ts';
import memoryCache from '../../../plugins/cache/memory/index.ts';
import gemini from '../../../plugins/providers/gemini/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { startMockServer, type MockServer } from '../../helpers/mock-upstream/server.ts';

/**
 * #12.4: non-streamed answers are no longer held whole without bound. A pass-through answer over
 * `forwardAboveBytes` is forwarded as it arrives, paced by the client; answers that must be held
 * (a transform.response tap, a translation) count against a per-request and a process-wide cap.
 * Asserted on the gateway's own count of held answer bytes, never on RSS or time.
 */
const answerBuffer = { forwardAboveBytes: 256 * 1024, perRequestBytes: 1024 * 1024, totalBytes: 4 * 1024 * 1024 };

/** An embeddings answer of about `size` bytes, written in 64 KiB pieces as the socket drains. */
const bigHead = '{"object":"list","data":[{"object":"embedding","index":0,"embedding":[';
const bigTail = '0]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":7,"total_tokens":7}}';
const piece = '0.0123456789,'.repeat(5041); // 65,533 bytes
const bigPieces = 48 * 16; // ~48 MiB: more than the loopback socket buffers on both hops can absorb
const bigSize = bigHead.length + piece.length * bigPieces + bigTail.length;

interface Upload {
  sent: number;
  /** Resolves when the upstream's writes are held back (its socket is full: backpressure). */
  blocked: Promise<void>;
}
let upload: Upload;
function writeBig(res: ServerResponse): void {
  let onBlocked!: () => void;
  upload = { sent: 0, blocked: new Promise<void>((r) => (onBlocked = r)) };
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bigSize) });
  res.write(bigHead);
  upload.sent += bigHead.length;
  let i = 0;
  const pump = (): void => {
    while (i < bigPieces) {
      i++;
      upload.sent += piece.length;
      if (!res.write(piece)) {
        onBlocked();
        res.once('drain', pump);
        return;
      }
    }
    res.end(bigTail);
    upload.sent += bigTail.length;
  };
  pump();
}

const outcomes: { outcome: Outcome; usage: Usage | undefined }[] = [];
const capture: Plugin = {
  name: 'capture-outcomes',
  setup(gateway) {
    gateway.hooks.log.tapPromise('capture-outcomes', async (ctx, outcome) => {
      outcomes.push({ outcome, usage: ctx.usage });
    });
  },
};

let upstream: MockServer;
let gw: RunningGateway;
/** The same, with a transform.response tap: every answer must be held whole. */
let holding: RunningGateway;
/** With a chat-only response cache (which taps no transform.response). */
let cached: RunningGateway;
/** With the default response cache, embeddings included (its merge tap only needs held answers). */
let cachedAll: RunningGateway;
beforeAll(async () => {
  upstream = await startMockServer((_req, res) => writeBig(res));
  const base = {
    server: { answerBuffer },
    models: [
      { name: 'embed', deployments: [{ provider: 'openai', model: 'text-embedding-3-small' }] },
      { name: 'embed-translated', deployments: [{ provider: 'gemini', model: 'text-embedding-004' }] },
    ],
  };
  const providers = (): Plugin[] => [
    openai({ apiKey: 'sk-test-0123456789', baseURL: `${upstream.url}/v1` }),
    gemini({ apiKey: 'AIza-test-0123456789abcdefghij', baseURL: upstream.url }),
    modelRouting({}),
  ];
  gw = await startTestGateway(defineConfig({ ...base, plugins: [...providers(), capture] }));
  const tap: Plugin = {
    name: 'response-tap',
    setup(gateway) {
      gateway.hooks.transform.response.tapPromise('response-tap', async (result) => result);
    },
  };
  holding = await startTestGateway(defineConfig({ ...base, plugins: [...providers(), tap] }));
  cached = await startTestGateway(
    defineConfig({
      ...base,
      models: [{ name: 'chat', deployments: [{ provider: 'openai', model: 'gpt-4o' }] }],
      plugins: [...providers(), memoryCache({ operations: ['chat'] })],
    }),
  );
  cachedAll = await startTestGateway(defineConfig({ ...base, plugins: [...providers(), memoryCache({})] }));
});
afterAll(async () => {
  await Promise.all([gw?.close(100), holding?.close(100), cached?.close(100), cachedAll?.close(100)]);
  await upstream?.close();
});
beforeEach(() => {
  upstream.reset();
  outcomes.length = 0;
});

const embedBody = JSON.stringify({ model: 'embed', input: 'hello' });

/** A client that sends its request and never reads the answer. */
function stubbornClient(url: string): Promise<Socket> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.pause();
      socket.write(
        `POST /v1/embeddings HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(embedBody)}\r\n\r\n${embedBody}`,
      );
      resolve(socket);
    });
  });
}

describe('large non-streamed answers (#12.4)', () => {
  test('a pass-through answer to a client that never reads is forwarded with backpressure, not held', async () => {
    const client = await stubbornClient(gw.url);
    // The upstream is held back: the gateway stopped reading because the client stopped reading.
    await expect.poll(() => upload !== undefined && upstream.requests.length === 1).toBe(true);
    await upload.blocked;
    expect(upload.sent).toBeLessThan(bigSize);
    // At most the part read before it was forwarded counts; nothing close to the answer's size.
    expect(bufferedAnswerBytes()).toBeLessThanOrEqual(answerBuffer.forwardAboveBytes);
    client.destroy();
    // The client left: the upstream call is torn down and nothing stays charged.
    await expect.poll(() => upstream.aborted.length).toBe(1);
    await expect.poll(() => bufferedAnswerBytes()).toBe(0);
  });

  test('a cache serving embeddings does not make the core hold large answers: they are still forwarded', async () => {
    // Held, this answer would pass the per-request cap (1 MiB here) and be a 502; forwarded, the
    // client gets it whole, uncached (it is over the cache's entry limit anyway).
    const res = await fetch(`${cachedAll.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: embedBody });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-cache')).toBe('miss');
    expect((await res.text()).length).toBe(bigSize);
    await expect.poll(() => bufferedAnswerBytes()).toBe(0);
  });

  test('a client that reads gets the whole answer byte for byte, with its usage read from the tail', async () => {
    const res = await fetch(`${gw.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: embedBody });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-provider')).toBe('openai');
    const text = await res.text();
    expect(text.length).toBe(bigSize);
    expect(text.startsWith(bigHead) && text.endsWith(bigTail)).toBe(true);
    await expect.poll(() => outcomes.length).toBe(1);
    expect(outcomes[0]?.outcome.status).toBe(200);
    expect(outcomes[0]?.usage).toEqual({ prompt_tokens: 7, total_tokens: 7 });
    await expect.poll(() => bufferedAnswerBytes()).toBe(0);
  });

  test('an answer that must be held whole (a transform.response tap) and passes the per-request cap is a 502 envelope', async () => {
    const res = await fetch(`${holding.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: embedBody });
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('upstream_answer_too_large');
    expect(body.error.message).toMatch(/answerBuffer/);
    await expect.poll(() => bufferedAnswerBytes()).toBe(0);
  });

  test('a translated answer (it must be parsed whole) over the per-request cap is a 502 envelope, not held', async () => {
    const res = await fetch(`${gw.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'embed-translated', input: ['a', 'b'] }),
    });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream_answer_too_large');
    await expect.poll(() => upstream.aborted.length).toBe(1);
    await expect.poll(() => bufferedAnswerBytes()).toBe(0);
  });

  test('an answer over the forward limit (the cache entry limit by default) is never held for the cache', async () => {
    const chat = (): Promise<Response> =>
      fetch(`${cached.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'chat', temperature: 0, messages: [{ role: 'user', content: 'big' }] }),
      });
    for (let i = 0; i < 2; i++) {
      const res = await chat();
      expect(res.status).toBe(200);
      expect(res.headers.get('x-switchyard-cache')).toBe('miss');
      expect((await res.text()).length).toBe(bigSize);
    }
    expect(upstream.requests).toHaveLength(2);
    await expect.poll(() => bufferedAnswerBytes()).toBe(0);
  });
});

describe('the buffer accounting', () => {
  test('a lease is refused past the per-request or the process-wide cap, and gives its bytes back', () => {
    configureAnswerBuffers({ perRequestBytes: 100, totalBytes: 150 });
    try {
      const a = new AnswerLease();
      const b = new AnswerLease();
      expect(a.charge(100)).toBe(true);
      expect(a.charge(1)).toBe(false);
      expect(b.charge(60)).toBe(false); // the process holds 100 of 150
      expect(b.charge(50)).toBe(true);
      expect(bufferedAnswerBytes()).toBe(150);
      a.release();
      b.refund(20);
      expect(bufferedAnswerBytes()).toBe(30);
      b.release();
      expect(bufferedAnswerBytes()).toBe(0);
    } finally {
      configureAnswerBuffers(answerBuffer);
    }
  });

  test('usage is read from the end of an answer, and only from a whole usage object', () => {
    expect(usageFromTail('…0.1]}],"model":"m","usage":{"prompt_tokens":3,"total_tokens":3}}')).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    expect(
      usageFromTail('"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":0}},"x":1}'),
    ).toMatchObject({ total_tokens: 3, prompt_tokens_details: { cached_tokens: 0 } });
    expect(usageFromTail('"usage":{"prompt_tokens":1,"tot')).toBeUndefined();
    expect(usageFromTail('no usage here')).toBeUndefined();
  });
});
