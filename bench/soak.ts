/**
 * `npm run soak [-- --seconds 600 --rate 150 --connections 4 --interval 10 --source --log FILE]`
 *
 * Runs the gateway (compiled, as `npm run start:dist` runs it; `--source` for bin/switchyard.js)
 * with bench/configs/soak.ts under mixed load for a while and samples it every `--interval`
 * seconds: RSS, open file descriptors (sockets included), CPU share, and what the clients got.
 * Not part of CI: it is for long runs, to see memory or sockets creep.
 *
 * The load: autocannon keeps `--connections` closed-loop connections of plain chat busy (the
 * benchmark's ~1 KB unique bodies), and an open loop sends `--rate` requests a second of a
 * weighted mix — streams, embeddings, a group that falls back, faults from the reliability
 * suite's fault-injecting upstream (resets, 429, 503, hangs, garbage, truncated JSON, a 3 MB
 * answer, trickles, a stream without terminator), unknown models, invalid bodies and clients
 * that leave mid-stream.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { startFaultServer } from '../test/reliability/fault-upstream.ts';
import { secrets, wires } from '../test/reliability/wires.ts';
import { chatBody, chatBodyTemplate, embeddingsBody } from './lib/bodies.ts';
import { cpuMicros, freePort, memory, portFromStdout, spawnNode, stop, waitForPort } from './lib/procs.ts';
import { gatewayEntry, masterKey, productionNodeFlags, upstreamKey } from './lib/start.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '300' },
    rate: { type: 'string', default: '150' },
    connections: { type: 'string', default: '4' },
    interval: { type: 'string', default: '10' },
    source: { type: 'boolean', default: false },
    log: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const connections = Number(values.connections);
const intervalS = Number(values.interval);
if (![seconds, rate, connections, intervalS].every((n) => Number.isFinite(n) && n >= 0) || intervalS === 0) {
  console.error('usage: npm run soak -- [--seconds N] [--rate R] [--connections C] [--interval S] [--source] [--log FILE]');
  process.exit(2);
}

const root = fileURLToPath(new URL('../', import.meta.url));
const headers = { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' };

/** The open loop's mix: kind, weight, how to send it. */
interface Kind {
  readonly name: string;
  readonly weight: number;
  readonly path: string;
  readonly body: (id: number) => string;
  /** Leave after the first body chunk (a client that goes away mid-stream). */
  readonly abort?: boolean;
}

const chatOf = (model: string, stream = false) => (id: number) => chatBody(model, `soak-${id}`, stream);
const kinds: readonly Kind[] = [
  { name: 'chat', weight: 25, path: '/v1/chat/completions', body: chatOf('soak') },
  { name: 'stream', weight: 20, path: '/v1/chat/completions', body: chatOf('soak', true) },
  { name: 'embed', weight: 10, path: '/v1/embeddings', body: () => embeddingsBody('soak-embed') },
  { name: 'fallback', weight: 8, path: '/v1/chat/completions', body: chatOf('flaky') },
  { name: 'reset', weight: 4, path: '/v1/chat/completions', body: chatOf('fault-reset-mid-body', true) },
  { name: '429', weight: 4, path: '/v1/chat/completions', body: chatOf('fault-status-429') },
  { name: '503', weight: 3, path: '/v1/chat/completions', body: chatOf('fault-status-503', true) },
  { name: 'hang', weight: 2, path: '/v1/chat/completions', body: chatOf('fault-hang-mid-body', true) },
  { name: 'cut-json', weight: 3, path: '/v1/chat/completions', body: chatOf('fault-truncated-json') },
  { name: 'garbage', weight: 3, path: '/v1/chat/completions', body: chatOf('fault-garbage', true) },
  { name: 'no-end', weight: 3, path: '/v1/chat/completions', body: chatOf('fault-no-terminator', true) },
  { name: 'huge', weight: 1, path: '/v1/chat/completions', body: chatOf('fault-huge') },
  { name: 'trickle', weight: 2, path: '/v1/chat/completions', body: chatOf('fault-trickle', true) },
  { name: '404', weight: 3, path: '/v1/chat/completions', body: chatOf('no-such-model') },
  { name: '400', weight: 3, path: '/v1/chat/completions', body: (id) => `{"model":"soak","messages":[{"role":"nobody","content":${id}}]` },
  { name: 'abort', weight: 3, path: '/v1/chat/completions', body: chatOf('soak', true), abort: true },
];
const totalWeight = kinds.reduce((s, k) => s + k.weight, 0);

/** A small seeded PRNG (mulberry32), so two runs send the same mix. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(1204);
function pick(): Kind {
  let r = random() * totalWeight;
  for (const k of kinds) if ((r -= k.weight) < 0) return k;
  return kinds[0] as Kind;
}

/** What the clients got in one interval. */
interface Counts {
  ok: number;
  c4xx: number;
  c5xx: number;
  /** Status 500: the gateway failing inside itself (never expected). */
  s500: number;
  /** No complete answer (socket error), aborts by design excluded. */
  failed: number;
  dropped: number;
}
const zero = (): Counts => ({ ok: 0, c4xx: 0, c5xx: 0, s500: 0, failed: 0, dropped: 0 });

async function main(): Promise<void> {
  console.log(`soak: ${seconds} s, mixed open loop ${rate} req/s, ${connections} autocannon chat connection(s), a sample every ${intervalS} s`);
  const mock = spawnNode('mock', [join(root, 'bench/mock/upstream.mjs'), '--port', '0'], { cpu: undefined, stdout: 'pipe' });
  const mockPort = await portFromStdout(mock);
  const faulty = await startFaultServer(wires.openai);
  const entry = gatewayEntry(values.source);
  const port = await freePort();
  const gateway = spawnNode('switchyard', [...(values.source ? [] : productionNodeFlags()), entry, '--config', join(root, 'bench/configs/soak.ts'), '--port', String(port)], {
    cpu: undefined,
    stdout: values.log ?? '/dev/null',
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'info',
      OPENAI_API_KEY: upstreamKey,
      OPENAI_BASE_URL: `http://127.0.0.1:${mockPort}/v1`,
      SWITCHYARD_MASTER_KEY: masterKey,
      SOAK_FAULT_URL: `${faulty.url}/v1`,
      SOAK_FAULT_KEY: secrets.openai,
    },
  });
  const origin = `http://127.0.0.1:${port}`;
  const pool = new Pool(origin, { connections: 512 });
  let cannon: Promise<unknown> | undefined;
  try {
    await waitForPort(gateway, port);
    const smoke = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers, body: chatBody('soak', 'smoke') });
    await smoke.body.text();
    if (smoke.statusCode !== 200) throw new Error(`the gateway does not answer the soak group: ${smoke.statusCode}`);

    const byKind = new Map<string, Counts>(kinds.map((k) => [k.name, zero()]));
    let interval = zero();
    let outstanding = 0;
    let sequence = 0;
    const maxOutstanding = 2_000;

    const fire = (kind: Kind): void => {
      const all = byKind.get(kind.name) as Counts;
      if (outstanding >= maxOutstanding) {
        interval.dropped++;
        all.dropped++;
        return;
      }
      outstanding++;
      const count = (key: keyof Counts): void => {
        interval[key]++;
        all[key]++;
      };
      const controller = new AbortController();
      pool
        .request({ path: kind.path, method: 'POST', headers, body: kind.body(sequence++), signal: controller.signal, headersTimeout: 60_000, bodyTimeout: 60_000 })
        .then(async (res) => {
          if (kind.abort) {
            for await (const _chunk of res.body) {
              controller.abort();
              break;
            }
            count('ok');
            return;
          }
          await res.body.dump({ limit: 64 * 1024 * 1024 });
          if (res.statusCode === 500) count('s500');
          if (res.statusCode >= 500) count('c5xx');
          else if (res.statusCode >= 400) count('c4xx');
          else count('ok');
        })
        .catch(() => count(kind.abort ? 'ok' : 'failed'))
        .finally(() => outstanding--);
    };

    if (connections > 0) {
      cannon = autocannon({
        url: `${origin}/v1/chat/completions`,
        method: 'POST',
        headers,
        body: chatBodyTemplate('soak'),
        idReplacement: true,
        connections,
        duration: seconds,
        timeout: 30,
      });
    }

    const samples: { t: number; rss: number; fds: number }[] = [];
    const fds = (): number => readdirSync(`/proc/${gateway.pid}/fd`).length;
    const row = (cells: (string | number)[]): string => cells.map((c, i) => String(c).padStart(i === 0 ? 8 : 9)).join(' ');
    console.log(row(['t s', 'rss MB', 'Δ MB', 'fds', 'cpu %', 'req/s', '2xx', '4xx', '5xx', 'of 500', 'failed', 'dropped']));
    const t0 = performance.now();
    let cpu0 = cpuMicros(gateway.pid);
    let last = t0;
    const sample = (): void => {
      const now = performance.now();
      const cpu = cpuMicros(gateway.pid);
      const m = memory(gateway.pid);
      const f = fds();
      samples.push({ t: (now - t0) / 1000, rss: m.rssMb, fds: f });
      const first = samples[0] as { rss: number };
      const n = interval.ok + interval.c4xx + interval.c5xx + interval.failed;
      console.log(
        row([
          ((now - t0) / 1000).toFixed(0),
          m.rssMb.toFixed(1),
          (m.rssMb - first.rss >= 0 ? '+' : '') + (m.rssMb - first.rss).toFixed(1),
          f,
          (((cpu - cpu0) / ((now - last) * 1000)) * 100).toFixed(0),
          (n / ((now - last) / 1000)).toFixed(0),
          interval.ok,
          interval.c4xx,
          interval.c5xx,
          interval.s500,
          interval.failed,
          interval.dropped,
        ]),
      );
      interval = zero();
      cpu0 = cpu;
      last = now;
    };
    sample();

    // The open loop: a tick every 10 ms issues the requests due by then.
    let issued = 0;
    let nextSample = intervalS * 1000;
    for (;;) {
      const elapsed = performance.now() - t0;
      if (elapsed >= seconds * 1000) break;
      if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) break;
      const due = Math.floor((elapsed / 1000) * rate);
      while (issued < due) {
        fire(pick());
        issued++;
      }
      if (elapsed >= nextSample) {
        sample();
        nextSample += intervalS * 1000;
      }
      await sleep(10);
    }
    await cannon;
    for (let waited = 0; outstanding > 0 && waited < 60_000; waited += 100) await sleep(100);
    sample();
    // Idle for a moment: what is still held once the load is gone.
    await sleep(5_000);
    sample();

    const alive = gateway.child.exitCode === null && gateway.child.signalCode === null;
    const first = samples[0] as { t: number; rss: number; fds: number };
    const end = samples.at(-1) as { t: number; rss: number; fds: number };
    const warm = samples.find((s) => s.t >= 60) ?? samples[Math.floor(samples.length / 2)] ?? first;
    const max = Math.max(...samples.map((s) => s.rss));
    console.log('\nby kind (whole run):');
    console.log(row(['kind', '2xx', '4xx', '5xx', 'of 500', 'failed', 'dropped']));
    for (const [name, c] of byKind) console.log(row([name, c.ok, c.c4xx, c.c5xx, c.s500, c.failed, c.dropped]));
    console.log(`\nrss: ${first.rss.toFixed(1)} MB at start → ${warm.rss.toFixed(1)} MB warm (t=${warm.t.toFixed(0)} s) → ${end.rss.toFixed(1)} MB idle at the end (max ${max.toFixed(1)})`);
    console.log(`growth after warm-up: ${(end.rss - warm.rss >= 0 ? '+' : '')}${(end.rss - warm.rss).toFixed(1)} MB; open fds ${first.fds} → ${end.fds}`);
    console.log(`upstream responses left open on the fault server: ${faulty.openResponses()} (open fds include idle keep-alive connections of the load's own pool)`);
    const totals = [...byKind.values()].reduce((s, c) => ({ s500: s.s500 + c.s500, failed: s.failed + c.failed }), { s500: 0, failed: 0 });
    console.log(alive ? 'the gateway is alive' : `THE GATEWAY DIED (exit ${gateway.child.exitCode ?? gateway.child.signalCode})\n${gateway.stderr.join('')}`);
    if (!alive || totals.s500 > 0) process.exitCode = 1;
  } finally {
    await pool.close().catch(() => undefined);
    await stop(gateway);
    await stop(mock);
    await faulty.close();
  }
}

await main();
