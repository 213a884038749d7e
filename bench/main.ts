/**
 * The benchmark harness (`npm run bench`, `npm run bench -- --quick`). Starts the mock upstream
 * and every target, checks each answers correctly, then runs the scenarios with the targets
 * interleaved round by round, and writes the results (RESULTS.md, results.json).
 * See bench/README.md for what is measured and how to read it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { chatBody } from './lib/bodies.ts';
import { closePools, openLoop, openStreams, saturate, streamTimings } from './lib/load.ts';
import { machineInfo } from './lib/machine.ts';
import { detectPinning, memory, pinSelf, stop, type Pinning } from './lib/procs.ts';
import { newestProfile, renderProfile, summarise } from './lib/profile.ts';
import { renderAlloc, summariseAlloc } from './lib/alloc.ts';
import { renderResults, type Plan, type Results } from './lib/report.ts';
import { cacheHits, smokeTest, smokeTestMessages } from './lib/smoke.ts';
import { gatewayEntry, productionNodeFlags, startAll, startRedisTarget } from './lib/start.ts';
import { targetLabels, type Target, type TargetId } from './lib/targets.ts';

const root = new URL('../', import.meta.url);
const allTargets: TargetId[] = [
  'direct',
  'passthrough',
  'switchyard',
  'switchyard-messages',
  'switchyard-full',
  'switchyard-keys',
  'switchyard-team',
  'switchyard-keys-shared',
  'switchyard-metrics',
  'switchyard-metrics-off',
  'portkey',
];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    soak: { type: 'string' },
    out: { type: 'string' },
    'keep-logs': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    alloc: { type: 'boolean', default: false },
    scenarios: { type: 'string' },
    sat: { type: 'string' },
    render: { type: 'string' },
    'merge-soak': { type: 'string' },
    source: { type: 'boolean', default: false },
    'node-flags': { type: 'string' },
  },
});

const quick = values.quick === true;
const plan: Plan = quick
  ? { mode: 'quick', warmupS: 1, satRounds: 2, satS: 2, latRounds: 1, latS: 2, rates: [200, 1000, 3000], streamRounds: 1, streamCount: 40, streamConcurrency: 4, chunks: 20, gapMs: 5, openRounds: 1, openStreams: 1000, openGapMs: 100, openRampMs: 500 }
  : { mode: 'full', warmupS: 3, satRounds: 7, satS: 5, latRounds: 3, latS: 5, rates: [200, 1000, 3000], streamRounds: 3, streamCount: 120, streamConcurrency: 4, chunks: 20, gapMs: 5, openRounds: 2, openStreams: 1000, openGapMs: 200, openRampMs: 1000 };
if (values.rounds !== undefined) {
  const n = Number(values.rounds);
  Object.assign(plan, { satRounds: n, latRounds: n, streamRounds: n, openRounds: n });
}
const only = values.only === undefined ? allTargets : (values.only.split(',') as TargetId[]);
if (!only.includes('passthrough')) only.unshift('passthrough');
if (!only.includes('direct')) only.unshift('direct');

/** `--scenarios saturation,latency,streaming,open-streams,cache` runs a subset (for before/after checks). */
const scenarios = values.scenarios?.split(',');
const wanted = (name: string): boolean => scenarios === undefined || scenarios.includes(name);
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const rotate = <T>(list: readonly T[], by: number): T[] => list.map((_, i) => list[(i + by) % list.length] as T);

async function configureMock(origin: string, settings: Record<string, number>): Promise<void> {
  const res = await request(`${origin}/__bench/config`, { method: 'POST', body: JSON.stringify(settings) });
  await res.body.dump();
}

async function main(): Promise<void> {
  const started0 = performance.now();
  const pinning = detectPinning();
  pinSelf(pinning);
  log(`pinning: ${pinning.why}`);
  const logDir = values['keep-logs'] ? fileURLToPath(new URL('bench/logs/', root)) : undefined;
  if (logDir !== undefined) mkdirSync(logDir, { recursive: true });
  const entry = gatewayEntry(values.source === true);
  log(`gateway: ${values.source === true ? 'from source under tsx (--source)' : 'compiled (npm run build)'}`);
  // Node flags for the Switchyard processes: `npm run start:dist`'s for the compiled gateway, none
  // from source; `--node-flags=...` replaces them (tuning experiments; `--node-flags=` for none).
  const nodeFlags = values['node-flags']?.split(' ').filter((f) => f !== '') ?? (values.source === true ? [] : productionNodeFlags());
  if (nodeFlags.length > 0) log(`gateway node flags: ${nodeFlags.join(' ')}`);
  const env = await startAll({ pinning, entry, only, switchyardFlags: () => nodeFlags, ...(logDir === undefined ? {} : { logDir }) });
  // Ctrl-C stops the targets too, not just the harness.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void env.stopAll().finally(() => process.exit(130)));
  }
  const results: Results = {
    plan,
    machine: machineInfo(root),
    pinning,
    gatewayBuild: values.source === true ? 'source' : 'compiled',
    nodeFlags,
    targets: env.targets.map((t) => ({ id: t.id, label: t.label })),
    idleRssMb: {},
    saturation: {},
    latency: [],
    streaming: {},
    openStreams: {},
    cacheHit: undefined,
    soak: undefined,
    cacheConfigured: existsSync(new URL('plugins/cache/memory/index.ts', root)),
    elapsedS: 0,
  };
  try {
    log(`targets: ${env.targets.map((t) => `${t.id} ${t.origin} (pid ${t.pid})`).join(', ')}`);
    await configureMock(env.mockOrigin, { chunks: 5, gapMs: 1, latencyMs: 0 });
    // Messages targets share a chat target's process and run in the streaming scenario only.
    const chatTargets = env.targets.filter((t) => t.surface !== 'messages');
    for (const t of env.targets) await (t.surface === 'messages' ? smokeTestMessages(t) : smokeTest(t));
    log('smoke test: every target answers chat, stream and embeddings (or a Messages stream) correctly');

    for (const t of chatTargets) {
      await saturate(t, plan.warmupS);
      results.idleRssMb[t.id] = memory(t.pid).rssMb;
    }
    log('warmed up');

    if (wanted('saturation')) await runSaturation(chatTargets, results);
    if (wanted('latency')) await runLatency(chatTargets, results);
    if (wanted('streaming')) await runStreaming(env.targets, results, env.mockOrigin);
    if (wanted('open-streams')) await runOpenStreams(chatTargets, results, env.mockOrigin);
    if (wanted('cache')) await runCacheHit(chatTargets, results, { pinning, entry, nodeFlags, mockOrigin: env.mockOrigin, ...(logDir === undefined ? {} : { logDir }) });
    if (values.soak !== undefined) await runSoak(chatTargets, results, Number(values.soak));
  } finally {
    await closePools();
    await env.stopAll();
  }
  results.elapsedS = (performance.now() - started0) / 1000;
  const out = values.out ?? (quick ? 'bench/RESULTS-quick.md' : 'bench/RESULTS.md');
  const outUrl = new URL(out, root);
  writeFileSync(outUrl, renderResults(results, root));
  writeFileSync(new URL(out.replace(/\.md$/, '.json'), root), `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${out} in ${results.elapsedS.toFixed(0)} s`);
}

async function runSaturation(targets: Target[], results: Results): Promise<void> {
  if (values.sat !== undefined) plan.satS = Number(values.sat);
  for (let r = 0; r < plan.satRounds; r++) {
    for (const t of rotate(targets, r)) {
      const res = await saturate(t, plan.satS);
      (results.saturation[t.id] ??= []).push(res);
      log(`saturation r${r} ${t.id}: ${res.rps.toFixed(0)} req/s, cpu ${res.cpuUsPerReq.toFixed(0)} µs/req, share ${res.cpuShare.toFixed(2)}, failures ${res.failures}`);
    }
  }
}

async function runLatency(targets: Target[], results: Results): Promise<void> {
  for (const rate of plan.rates) {
    const rounds: Results['latency'][number]['rounds'] = {};
    for (let r = 0; r < plan.latRounds; r++) {
      for (const t of rotate(targets, r)) {
        const res = await openLoop(t, rate, plan.latS, { warmupSeconds: quick ? 0.3 : 0.5 });
        (rounds[t.id] ??= []).push(res);
        log(`latency ${rate}/s r${r} ${t.id}: p50 ${res.p50.toFixed(3)} p99 ${res.p99.toFixed(3)} ms, achieved ${res.achievedRps.toFixed(0)}/s, dropped ${res.dropped}, failures ${res.failures}, cpu ${res.cpuUsPerReq.toFixed(0)} µs/req, lag p99 ${res.sendLagP99.toFixed(2)}`);
      }
    }
    results.latency.push({ rate, rounds });
  }
}

async function runStreaming(targets: Target[], results: Results, mockOrigin: string): Promise<void> {
  await configureMock(mockOrigin, { chunks: plan.chunks, gapMs: plan.gapMs });
  for (let r = 0; r < plan.streamRounds; r++) {
    for (const t of rotate(targets, r)) {
      const res = await streamTimings(t, plan.streamCount, plan.streamConcurrency, plan.chunks);
      (results.streaming[t.id] ??= []).push(res);
      log(`stream r${r} ${t.id}: ttfb p50 ${res.ttfbP50.toFixed(3)} ms, total p50 ${res.totalP50.toFixed(2)} ms, reads ${res.readsP50}, cpu ${res.cpuUsPerChunk?.toFixed(1)} µs/chunk, failures ${res.failures}`);
    }
  }
}

async function runOpenStreams(targets: Target[], results: Results, mockOrigin: string): Promise<void> {
  await configureMock(mockOrigin, { chunks: plan.chunks, gapMs: plan.openGapMs });
  for (let r = 0; r < plan.openRounds; r++) {
    for (const t of rotate(targets, r)) {
      const res = await openStreams(t, plan.openStreams, plan.openRampMs, plan.chunks);
      (results.openStreams[t.id] ??= []).push(res);
      log(`open streams r${r} ${t.id}: ${res.completed}/${res.streams} ok, max open ${res.maxOpen}, rss ${res.startRssMb.toFixed(0)} → peak ${res.peakRssMb.toFixed(0)} MB`);
      // Let sockets close before the next target.
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  await configureMock(mockOrigin, { chunks: plan.chunks, gapMs: plan.gapMs });
}

/**
 * Cache hits next to the pass-through: the same request repeated at 1,000 req/s, answered from
 * Switchyard full's memory cache and, when REDIS_URL is set, from a Switchyard full with
 * `cache/redis` started for this scenario alone (its keys are deleted afterwards).
 */
async function runCacheHit(targets: Target[], results: Results, start: { pinning: Pinning; entry: string; nodeFlags: readonly string[]; mockOrigin: string; logDir?: string }): Promise<void> {
  const full = targets.find((t) => t.id === 'switchyard-full');
  const passthrough = targets.find((t) => t.id === 'passthrough');
  if (!results.cacheConfigured || full === undefined || passthrough === undefined) return;
  const measured: Target[] = [passthrough];
  if (await cacheHits(full, chatBody(full.model, 'cached'))) measured.push(full);
  else log('cache hit: the memory cache did not answer x-switchyard-cache: hit; skipped');
  const redisUrl = process.env.REDIS_URL;
  const keyPrefix = `switchyard-bench:${process.pid}:${Date.now()}:`;
  let redisTarget: Awaited<ReturnType<typeof startRedisTarget>> | undefined;
  if (redisUrl === undefined) log('cache hit: REDIS_URL is not set, cache/redis not measured');
  else {
    redisTarget = await startRedisTarget({ ...start, redisUrl, keyPrefix });
    await saturate(redisTarget.target, 1);
    if (await cacheHits(redisTarget.target, chatBody(redisTarget.target.model, 'cached'))) measured.push(redisTarget.target);
    else log('cache hit: cache/redis did not answer x-switchyard-cache: hit; skipped');
  }
  try {
    if (measured.length === 1) return;
    const hit: Results['latency'][number]['rounds'] = {};
    for (let r = 0; r < plan.latRounds; r++) {
      for (const t of rotate(measured, r)) {
        const res = await openLoop(t, 1000, plan.latS, { sameBody: t !== passthrough, warmupSeconds: 0.3 });
        (hit[t.id] ??= []).push(res);
        log(`cache hit r${r} ${t.id}: p50 ${res.p50.toFixed(3)} p99 ${res.p99.toFixed(3)} ms, cpu ${res.cpuUsPerReq.toFixed(0)} µs/req, failures ${res.failures}`);
      }
    }
    results.cacheHit = hit;
    results.cacheRedis = redisUrl === undefined ? 'not set' : redisTarget !== undefined && measured.includes(redisTarget.target) ? 'measured' : 'no hits';
  } finally {
    if (redisTarget !== undefined) {
      await stop(redisTarget.proc);
      await deleteKeys(redisUrl as string, keyPrefix);
    }
  }
}

async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** 1,000 req/s for `seconds` against each Switchyard target, RSS sampled at start, every 10 s, end. */
async function runSoak(targets: Target[], results: Results, seconds: number): Promise<void> {
  const soak: NonNullable<Results['soak']> = { seconds, rate: 1000, targets: {} };
  // The keys target too: a team gateway keeps per-key caches, limit windows and a spend queue.
  for (const t of targets.filter((x) => x.id === 'switchyard' || x.id === 'switchyard-full' || x.id === 'switchyard-keys')) {
    const samples: number[] = [memory(t.pid).rssMb];
    const timer = setInterval(() => samples.push(memory(t.pid).rssMb), 10_000);
    const res = await openLoop(t, 1000, seconds, { warmupSeconds: 0 });
    clearInterval(timer);
    samples.push(memory(t.pid).rssMb);
    // The sample 60 s in (index 6), or the middle one in a shorter soak.
    const warmMb = samples[Math.min(6, Math.floor((samples.length - 1) / 2))] as number;
    soak.targets[t.id] = {
      startMb: samples[0] as number,
      warmMb,
      samplesMb: samples,
      endMb: samples.at(-1) as number,
      maxMb: Math.max(...samples),
      p50: res.p50,
      p99: res.p99,
      failures: res.failures,
      dropped: res.dropped,
    };
    log(`soak ${t.id}: rss ${samples[0]?.toFixed(0)} idle → ${warmMb.toFixed(0)} warm → ${samples.at(-1)?.toFixed(0)} MB (max ${Math.max(...samples).toFixed(0)})`);
  }
  results.soak = soak;
}

/**
 * `--profile`: both Switchyard targets under `node --cpu-prof`, warmed up, then at saturation for
 * twice the usual run; the profiles are summarised into bench/PROFILE.md (raw files in bench/profiles/).
 */
async function profile(): Promise<void> {
  const pinning = detectPinning();
  pinSelf(pinning);
  const dir = (id: TargetId): string => fileURLToPath(new URL(`bench/profiles/${id}/`, root));
  // `--only` picks the Switchyard targets to profile (chat ones); by default the two of PROFILE.md.
  const ids = values.only === undefined ? (['switchyard', 'switchyard-full'] as TargetId[]) : (values.only.split(',') as TargetId[]).filter((id) => id.startsWith('switchyard') && id !== 'switchyard-messages');
  for (const id of ids) {
    rmSync(dir(id), { recursive: true, force: true });
    mkdirSync(dir(id), { recursive: true });
  }
  const env = await startAll({
    pinning,
    entry: gatewayEntry(values.source === true),
    only: ids,
    switchyardFlags: (id) => [...(values.source === true ? [] : productionNodeFlags()), '--cpu-prof', `--cpu-prof-dir=${dir(id)}`],
  });
  const seconds = plan.satS * 2;
  try {
    for (const t of env.targets) await smokeTest(t);
    for (const t of env.targets) {
      await saturate(t, plan.warmupS);
      const res = await saturate(t, seconds);
      log(`profile ${t.id}: ${res.rps.toFixed(0)} req/s, ${res.cpuUsPerReq.toFixed(0)} µs/req (profiler on)`);
    }
  } finally {
    await closePools();
    await env.stopAll();
  }
  const sections = ['# Profile', '',
    `\`npm run bench -- --profile\` on ${new Date().toISOString()}, commit ${machineInfo(root).commit}: each Switchyard target under \`node --cpu-prof\`, ` +
    `${plan.warmupS} s warm-up then ${seconds} s at saturation (64 connections, non-streamed ~1 KB chat requests). The profile covers the whole process life, start-up included. ` +
    'Raw profiles: bench/profiles/<target>/*.cpuprofile (open in Chrome DevTools or speedscope; not committed).', ''];
  for (const id of ids) {
    const file = newestProfile(dir(id));
    if (file === undefined) throw new Error(`no profile written for ${id}`);
    sections.push(renderProfile(targetLabels[id], summarise(file)));
  }
  const out = values.out ?? 'bench/PROFILE.md';
  writeFileSync(new URL(out, root), `${sections.join('\n').trim()}\n`);
  log(`wrote ${out}`);
}

/**
 * `--alloc`: bytes allocated per request, by V8's sampling heap profiler with collected objects
 * included (bench/lib/alloc-sampler.mjs, preloaded into each Switchyard target), over a saturation
 * run after the warm-up. Unlike throughput on a shared machine, it repeats within a few per cent,
 * and the young generation's collections scale with it. Written to bench/ALLOC.md (or --out).
 */
async function alloc(): Promise<void> {
  const pinning = detectPinning();
  pinSelf(pinning);
  const ids = values.only === undefined ? (['switchyard', 'switchyard-keys'] as TargetId[]) : (values.only.split(',') as TargetId[]).filter((id) => id.startsWith('switchyard') && id !== 'switchyard-messages');
  const dir = fileURLToPath(new URL('bench/profiles/alloc/', root));
  rmSync(dir, { recursive: true, force: true });
  const sampler = fileURLToPath(new URL('bench/lib/alloc-sampler.mjs', root));
  const env = await startAll({
    pinning,
    entry: gatewayEntry(values.source === true),
    only: ids,
    switchyardFlags: () => [...(values.source === true ? [] : productionNodeFlags()), '--import', sampler],
  });
  const rows: { label: string; requests: number; summary: ReturnType<typeof summariseAlloc> }[] = [];
  try {
    for (const t of env.targets) await smokeTest(t);
    for (const t of env.targets) {
      if (!ids.includes(t.id)) continue;
      await saturate(t, plan.warmupS);
      process.kill(t.pid, 'SIGUSR2');
      const res = await saturate(t, plan.satS);
      process.kill(t.pid, 'SIGUSR2');
      const file = join(dir, `${t.pid}.heapprofile`);
      for (let waited = 0; !existsSync(file); waited += 100) {
        if (waited > 10_000) throw new Error(`${t.id}: no heap profile written`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Written in one call, but possibly still being written when first seen.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const summary = summariseAlloc(file, res.requests);
      log(`alloc ${t.id}: ${(summary.bytesPerRequest / 1024).toFixed(1)} KB per request over ${res.requests} requests`);
      rows.push({ label: targetLabels[t.id], requests: res.requests, summary });
    }
  } finally {
    await closePools();
    await env.stopAll();
  }
  const text = [
    '# Allocation per request',
    '',
    `\`npm run bench -- --alloc\` on ${new Date().toISOString()}, commit ${machineInfo(root).commit}: each target warmed up for ${plan.warmupS} s, then ${plan.satS} s at saturation ` +
      '(64 connections, non-streamed ~1 KB chat requests) under V8\'s sampling heap profiler (one sample per KiB allocated, objects already collected included). ' +
      'Bytes are attributed to the function that allocated them, grouped by file or package; inlined functions count for their caller.',
    '',
    renderAlloc(rows),
  ].join('\n');
  const out = values.out ?? 'bench/ALLOC.md';
  writeFileSync(new URL(out, root), `${text}\n`);
  log(`wrote ${out}`);
}

/** `--render bench/RESULTS.json`: rewrites the .md from recorded results (after a report change). */
function render(file: string): void {
  const results = JSON.parse(readFileSync(new URL(file, root), 'utf8')) as Results;
  if (values['merge-soak'] !== undefined) {
    results.soak = (JSON.parse(readFileSync(new URL(values['merge-soak'], root), 'utf8')) as Results).soak;
    writeFileSync(new URL(file, root), `${JSON.stringify(results, null, 2)}\n`);
  }
  writeFileSync(new URL(file.replace(/\.json$/, '.md'), root), renderResults(results, root));
  log(`rendered ${file.replace(/\.json$/, '.md')}`);
}

if (values.render !== undefined) render(values.render);
else if (values.profile === true) await profile();
else if (values.alloc === true) await alloc();
else await main();
