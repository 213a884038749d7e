import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { startGateway, type RunningGateway } from 'switchyard';
import redisCache from '../../../../plugins/cache/redis/index.ts';
import { pack, unpack } from '../../../../plugins/cache/redis/compress.ts';
import { startTestGateway } from '../../../helpers/gateway.ts';
import { startMockOpenAI } from '../../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../../helpers/mock-upstream/server.ts';
import { cacheBehaviourSuite, fresh, gatewayConfig, sdk } from '../shared/behaviour.ts';

const redisUrl = process.env.REDIS_URL;
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!redisUrl) console.warn('REDIS_URL is not set: skipping the Redis cache tests');
else if (!hasRedisServer) console.warn('redis-server is not installed: skipping the "Redis goes away" test');

/** One prefix per run, removed afterwards, so runs never see each other's entries. */
const prefix = `switchyard-test:${process.pid}:${Date.now()}:`;

describe('compression', () => {
  test('values at or above the threshold are compressed and read back; smaller ones are not', async () => {
    const big = JSON.stringify({ text: 'lorem ipsum '.repeat(500) });
    for (const algorithm of ['gzip', 'brotli'] as const) {
      const packed = await pack(big, algorithm, 1024);
      expect(packed.length).toBeLessThan(big.length / 5);
      expect(await unpack(packed)).toBe(big);
    }
    const small = await pack('{"a":1}', 'gzip', 1024);
    expect(small.subarray(1).toString()).toBe('{"a":1}');
    expect(await unpack(Buffer.from('garbage'))).toBeUndefined();
  });
});

describe.skipIf(!redisUrl)('redis cache', () => {
  let admin: Redis;

  beforeAll(() => {
    admin = new Redis(redisUrl as string, { lazyConnect: false });
  });
  afterAll(async () => {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  cacheBehaviourSuite('redis', () => redisCache({ url: redisUrl, keyPrefix: `${prefix}suite:`, ttlSeconds: 60, maxTtlSeconds: 120, coalesceTimeoutMs: 5000 }));

  describe('shared between gateway instances', () => {
    let upstream: MockServer;
    let one: RunningGateway;
    let two: RunningGateway;

    beforeAll(async () => {
      upstream = await startMockOpenAI();
      const cache = () => redisCache({ url: redisUrl, keyPrefix: `${prefix}shared:`, compressAboveBytes: 200 });
      one = await startTestGateway(gatewayConfig(upstream.url, cache()));
      two = await startTestGateway(gatewayConfig(upstream.url, cache()));
    });
    afterAll(async () => {
      await one?.close(1000);
      await two?.close(1000);
      await upstream?.close();
    });

    test('an answer stored by one instance is a hit on the other, compressed in Redis', async () => {
      const text = fresh('shared between instances '.repeat(20));
      const first = await sdk(one.url).chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: text }] }).withResponse();
      expect(first.response.headers.get('x-switchyard-cache')).toBe('miss');
      // The store runs after the first client has its answer: wait for it to land, then ask the
      // other instance once (asking while it is still a miss would call upstream a second time).
      let keys: string[] = [];
      await vi.waitFor(async () => {
        keys = await admin.keys(`${prefix}shared:chat:*`);
        expect(keys).toHaveLength(1);
      });
      const second = await sdk(two.url).chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: text }] }).withResponse();
      expect(second.response.headers.get('x-switchyard-cache')).toBe('hit');
      expect(second.data).toEqual(first.data);
      expect(upstream.requests).toHaveLength(1);
      const raw = (await admin.getBuffer(keys[0] as string)) as Buffer;
      expect(raw[0]).toBe(1); // gzip tag
      expect(await admin.ttl(keys[0] as string)).toBeGreaterThan(3500);
    });
  });

  describe.skipIf(!hasRedisServer)('when Redis goes away', () => {
    let server: ChildProcess | undefined;
    let port: number;
    let upstream: MockServer;
    let gw: RunningGateway;
    const lines: { msg?: string; level?: number }[] = [];

    async function startRedis(): Promise<void> {
      const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
      server = child;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('redis-server did not start')), 5000);
        child.stdout?.on('data', (d: Buffer) => {
          if (d.toString().includes('Ready to accept connections')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', () => reject(new Error('redis-server exited')));
      });
    }
    async function stopRedis(): Promise<void> {
      const child = server;
      server = undefined;
      if (child === undefined || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    const readiness = async () => (await (await fetch(`${gw.url}/health/readiness`)).json()) as { status: string; checks: Record<string, { status: string }> };

    beforeAll(async () => {
      port = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const p = (probe.address() as { port: number }).port;
          probe.close(() => resolve(p));
        });
      });
      await startRedis();
      upstream = await startMockOpenAI();
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as { msg?: string });
          done();
        },
      });
      const cache = redisCache({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs: 200, reconnectMaxDelayMs: 100, warnIntervalMs: 60_000 });
      gw = await startGateway(gatewayConfig(upstream.url, cache), { port: 0, host: '127.0.0.1', log: pino({ level: 'warn' }, sink) });
    }, 20_000);
    afterAll(async () => {
      await gw?.close(1000);
      await upstream?.close();
      await stopRedis();
    });

    test('the gateway keeps serving (misses, one warning, readiness degraded) and recovers by itself', async () => {
      const client = sdk(gw.url);
      const ask = (content: string) => client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content }] }).withResponse();
      const text = fresh('redis goes away');
      await ask(text);
      await vi.waitFor(async () => expect((await ask(text)).response.headers.get('x-switchyard-cache')).toBe('hit'));
      expect(await readiness()).toMatchObject({ status: 'ok', checks: { 'cache-redis': { status: 'ok' } } });

      await stopRedis();
      upstream.reset();
      const started = performance.now();
      for (let i = 0; i < 5; i++) {
        const { data, response } = await ask(text);
        expect(response.headers.get('x-switchyard-cache')).toBe('miss');
        expect(data.choices[0]?.message.content).toBe(`echo: ${text}`);
      }
      // Five requests against a dead Redis: no waiting on it.
      expect(performance.now() - started).toBeLessThan(2000);
      expect(upstream.requests).toHaveLength(5);
      expect(await readiness()).toMatchObject({ status: 'degraded', checks: { 'cache-redis': { status: 'degraded' } } });
      const warnings = lines.filter((l) => l.msg?.startsWith('redis cache'));
      expect(warnings).toHaveLength(1);

      await startRedis();
      await vi.waitFor(async () => expect((await readiness()).status).toBe('ok'), { timeout: 5000, interval: 100 });
      // A fresh Redis is empty: one miss stores again, then hits.
      await ask(text);
      await vi.waitFor(async () => expect((await ask(text)).response.headers.get('x-switchyard-cache')).toBe('hit'));
    }, 20_000);
  });
});
