/**
 * Latency of a cache hit next to a bare pass-through call: `npx tsx bench/cache-hit.ts`.
 * One loopback mock upstream (answers at once), gateways without cache, with `cache/memory`,
 * and with `cache/redis` when REDIS_URL is set; autocannon drives the same non-streaming chat
 * request at each. Writes bench/results/cache-hit.md.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { defineConfig, startGateway, type Plugin, type RunningGateway } from 'switchyard';
import { createRootLogger } from '../core/log.ts';
import memoryCache from '../plugins/cache/memory/index.ts';
import redisCache from '../plugins/cache/redis/index.ts';
import openai from '../plugins/providers/openai/index.ts';
import modelRouting from '../plugins/routing/models/index.ts';
import { mockOpenAIKey, startMockOpenAI } from '../test/helpers/mock-upstream/openai.ts';

interface Histogram {
  average: number;
  p50: number;
  p90: number;
  p99: number;
}
interface AutocannonResult {
  latency: Histogram;
  requests: { average: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const durationS = Number(process.env.BENCH_DURATION ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const body = JSON.stringify({ model: 'gpt-4o', temperature: 0, messages: [{ role: 'user', content: 'What is a gateway? '.repeat(20) }] });

async function run(label: string, gw: RunningGateway): Promise<string> {
  const url = `${gw.url}/v1/chat/completions`;
  const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
  // Warm up: fills the cache (and the connection pools).
  for (let i = 0; i < 20; i++) await (await fetch(url, init)).arrayBuffer();
  const r = await autocannon({ url, method: 'POST', headers: init.headers, body, connections, duration: durationS });
  const row = `| ${label} | ${r.latency.average.toFixed(2)} | ${r.latency.p50} | ${r.latency.p90} | ${r.latency.p99} | ${Math.round(r.requests.average)} | ${r.non2xx + r.errors} |`;
  console.log(row);
  return row;
}

const upstream = await startMockOpenAI();
const log = createRootLogger({ level: 'silent', sync: true });
const start = (extra: Plugin[]) =>
  startGateway(defineConfig({ plugins: [openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }), modelRouting({}), ...extra] }), { port: 0, host: '127.0.0.1', log });

const cases: [string, Plugin[]][] = [
  ['pass-through (no cache)', []],
  ['cache/memory hit', [memoryCache({})]],
];
const redisPrefix = `switchyard-bench:${process.pid}:`;
if (process.env.REDIS_URL) cases.push(['cache/redis hit', [redisCache({ keyPrefix: redisPrefix })]]);

const header = ['| case | avg ms | p50 ms | p90 ms | p99 ms | req/s | errors |', '|---|---|---|---|---|---|---|'];
console.log(header.join('\n'));
const rows: string[] = [];
for (const [label, plugins] of cases) {
  const gw = await start(plugins);
  try {
    rows.push(await run(label, gw));
  } finally {
    await gw.close(1000);
  }
}
await upstream.close();
if (process.env.REDIS_URL) {
  const redis = new Redis(process.env.REDIS_URL);
  const keys = await redis.keys(`${redisPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}

const report = [
  '# Cache hit vs pass-through',
  '',
  `Node ${process.version}, ${connections} connections, ${durationS} s each, non-streaming chat request (~400 B prompt),`,
  'loopback mock upstream that answers at once (so pass-through shows the gateway\'s own cost, not a model\'s).',
  `Recorded ${new Date().toISOString().slice(0, 10)} with \`npx tsx bench/cache-hit.ts\` on ${availableParallelism()} CPUs, load average ${loadavg()[0]?.toFixed(1)} at the end`,
  '(a shared machine: compare the rows with each other, not with other runs).',
  '',
  ...header,
  ...rows,
  '',
].join('\n');
writeFileSync(new URL('./results/cache-hit.md', import.meta.url), report);
