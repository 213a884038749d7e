import autocannon from 'autocannon';
import { Pool } from 'undici';
import { chatBody, chatBodyTemplate, messagesBody } from './bodies.ts';
import { cpuMicros, PeakTracker } from './procs.ts';
import { percentileSorted, sortedCopy } from './stats.ts';
import type { Target } from './targets.ts';

const chatPath = '/v1/chat/completions';

function headersFor(target: Target): Record<string, string> {
  return { 'content-type': 'application/json', ...target.headers };
}

export interface SaturationResult {
  readonly rps: number;
  /** Requests answered with a 2xx. */
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
  /** CPU time of the target per completed request, µs. */
  readonly cpuUsPerReq: number;
  /** CPU time of the target over wall time (1 = one core busy). */
  readonly cpuShare: number;
  readonly peakRssMb: number;
}

/** Closed loop, `connections` keep-alive connections, unique ~1 KB chat bodies (autocannon). */
export async function saturate(target: Target, seconds: number, connections = 64): Promise<SaturationResult> {
  const peak = new PeakTracker(target.pid);
  const cpu0 = cpuMicros(target.pid);
  const t0 = performance.now();
  const result = await autocannon({
    url: target.origin + chatPath,
    method: 'POST',
    headers: headersFor(target),
    body: chatBodyTemplate(target.model),
    idReplacement: true,
    connections,
    duration: seconds,
    timeout: 20,
  });
  const wallUs = (performance.now() - t0) * 1000;
  const cpu = cpuMicros(target.pid) - cpu0;
  const ok = result['2xx'];
  return {
    rps: ok / result.duration,
    requests: ok,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    cpuUsPerReq: ok > 0 ? cpu / ok : Number.NaN,
    cpuShare: cpu / wallUs,
    peakRssMb: peak.finish(),
  };
}

export interface OpenLoopResult {
  readonly rate: number;
  readonly achievedRps: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly failures: number;
  /** Requests not sent because too many were outstanding: the target could not keep up. */
  readonly dropped: number;
  readonly cpuUsPerReq: number;
  /** How late the generator issued requests, p99 in ms (its own health). */
  readonly sendLagP99: number;
}

const pools = new Map<string, Pool>();
function poolFor(origin: string, connections: number): Pool {
  const key = `${origin}#${connections}`;
  let pool = pools.get(key);
  if (pool === undefined) {
    pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
    pools.set(key, pool);
  }
  return pool;
}

export async function closePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.destroy()));
}

let sequence = 0;

/**
 * Open loop: requests are issued at a fixed rate whatever the answers do (undici pool), each
 * latency measured from its issue to the end of its body. Outstanding requests are capped; past
 * the cap requests are counted as dropped, and the run is marked overloaded.
 */
export async function openLoop(
  target: Target,
  rate: number,
  seconds: number,
  options: { warmupSeconds?: number; maxOutstanding?: number; sameBody?: boolean } = {},
): Promise<OpenLoopResult> {
  const pool = poolFor(target.origin, 1024);
  const headers = headersFor(target);
  const maxOutstanding = options.maxOutstanding ?? 1000;
  const fixedBody = options.sameBody ? chatBody(target.model, 'cached') : undefined;

  const run = async (count: number, record: boolean) => {
    const latencies = new Float64Array(count);
    const lags = new Float64Array(count);
    let done = 0;
    let failures = 0;
    let dropped = 0;
    let outstanding = 0;
    let allSent = false;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const complete = (): void => {
      outstanding--;
      if (allSent && outstanding === 0) finish();
    };
    const fire = (i: number, scheduled: number): void => {
      const start = performance.now();
      lags[i] = start - scheduled;
      outstanding++;
      const body = fixedBody ?? chatBody(target.model, `${process.pid}-${++sequence}`);
      pool.request({ path: chatPath, method: 'POST', headers, body }).then(
        async (res) => {
          await res.body.dump({ limit: 1 << 20 });
          latencies[i] = performance.now() - start;
          if (res.statusCode === 200) done++;
          else failures++;
          complete();
        },
        () => {
          latencies[i] = Number.NaN;
          failures++;
          complete();
        },
      );
    };
    const interval = 1000 / rate;
    const cpu0 = cpuMicros(target.pid);
    const t0 = performance.now();
    let next = 0;
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const due = Math.min(count, Math.floor((performance.now() - t0) / interval) + 1);
        while (next < due) {
          const i = next++;
          if (outstanding >= maxOutstanding) {
            latencies[i] = Number.NaN;
            dropped++;
            continue;
          }
          fire(i, t0 + i * interval);
        }
        if (next >= count) resolve();
        else setTimeout(tick, 1);
      };
      tick();
    });
    const sendEnd = performance.now();
    allSent = true;
    if (outstanding === 0) finish();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([finished, new Promise<void>((resolve) => (timer = setTimeout(resolve, 30_000)))]);
    clearTimeout(timer);
    const cpu = cpuMicros(target.pid) - cpu0;
    if (!record) return undefined;
    const sorted = sortedCopy(latencies.filter((v) => Number.isFinite(v) && v > 0));
    const sortedLags = sortedCopy(lags);
    return {
      rate,
      achievedRps: done / ((sendEnd - t0) / 1000),
      p50: percentileSorted(sorted, 50),
      p90: percentileSorted(sorted, 90),
      p99: percentileSorted(sorted, 99),
      failures,
      dropped,
      cpuUsPerReq: done > 0 ? cpu / done : Number.NaN,
      sendLagP99: percentileSorted(sortedLags, 99),
    };
  };

  const warm = Math.round(rate * (options.warmupSeconds ?? 0.5));
  if (warm > 0) await run(warm, false);
  return (await run(Math.round(rate * seconds), true)) as OpenLoopResult;
}

export interface StreamTiming {
  readonly ttfbP50: number;
  readonly ttfbP90: number;
  readonly totalP50: number;
  readonly totalP90: number;
  /** Median number of body reads per stream: chunks sent as they arrive give one read per chunk. */
  readonly readsP50: number;
  /** The target's CPU time over the run per upstream chunk event streamed, µs (absent in older results). */
  readonly cpuUsPerChunk?: number;
  readonly failures: number;
}

/** Whether a finished stream is complete: chat ends with [DONE], a Messages stream with message_stop. */
function streamComplete(target: Target, text: string, expectedEvents: number): boolean {
  if (target.surface === 'messages') {
    // message_start, a text block (start, one delta per non-empty chunk, stop), message_delta, message_stop.
    const deltas = text.split('event: content_block_delta\n').length - 1;
    return deltas >= expectedEvents - 2 && text.startsWith('event: message_start\n') && text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n');
  }
  return text.split('data: ').length - 1 === expectedEvents + 1 && text.endsWith('data: [DONE]\n\n');
}

/** Streams of `chunks` events, `concurrency` at a time, `count` in all; TTFB = first body byte. */
export async function streamTimings(target: Target, count: number, concurrency: number, expectedEvents: number): Promise<StreamTiming> {
  const pool = poolFor(target.origin, 64);
  const headers = headersFor(target);
  const ttfb: number[] = [];
  const total: number[] = [];
  const reads: number[] = [];
  let failures = 0;
  let issued = 0;
  const messages = target.surface === 'messages';
  const path = messages ? '/v1/messages' : chatPath;
  const cpu0 = cpuMicros(target.pid);
  const worker = async (): Promise<void> => {
    while (issued < count) {
      issued++;
      const id = `${process.pid}-${++sequence}`;
      const body = messages ? messagesBody(target.model, id, true) : chatBody(target.model, id, true);
      const start = performance.now();
      try {
        const res = await pool.request({ path, method: 'POST', headers, body });
        let first = 0;
        let n = 0;
        let text = '';
        for await (const part of res.body) {
          if (n++ === 0) first = performance.now();
          text += (part as Buffer).toString('latin1');
        }
        const end = performance.now();
        if (res.statusCode !== 200 || !streamComplete(target, text, expectedEvents)) {
          failures++;
          continue;
        }
        ttfb.push(first - start);
        total.push(end - start);
        reads.push(n);
      } catch {
        failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = cpuMicros(target.pid) - cpu0;
  const s = (values: number[]) => Float64Array.from(values).sort();
  return {
    ttfbP50: percentileSorted(s(ttfb), 50),
    ttfbP90: percentileSorted(s(ttfb), 90),
    totalP50: percentileSorted(s(total), 50),
    totalP90: percentileSorted(s(total), 90),
    readsP50: percentileSorted(s(reads), 50),
    cpuUsPerChunk: total.length > 0 ? cpu / (total.length * expectedEvents) : Number.NaN,
    failures,
  };
}

export interface OpenStreamsResult {
  readonly streams: number;
  readonly completed: number;
  readonly failures: number;
  readonly maxOpen: number;
  readonly startRssMb: number;
  readonly peakRssMb: number;
  readonly seconds: number;
}

/** `n` streams held open at once (ramped over `rampMs`), each lasting the mock's chunks × gap. */
export async function openStreams(target: Target, n: number, rampMs: number, expectedEvents: number): Promise<OpenStreamsResult> {
  const pool = new Pool(target.origin, { connections: n, pipelining: 1 });
  const headers = headersFor(target);
  const peak = new PeakTracker(target.pid);
  let open = 0;
  let maxOpen = 0;
  let completed = 0;
  let failures = 0;
  const t0 = performance.now();
  const one = async (i: number): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, (i * rampMs) / n));
    const body = chatBody(target.model, `${process.pid}-${++sequence}`, true);
    try {
      const res = await pool.request({ path: chatPath, method: 'POST', headers, body, headersTimeout: 60_000, bodyTimeout: 60_000 });
      open++;
      maxOpen = Math.max(maxOpen, open);
      let events = 0;
      let tail = '';
      for await (const part of res.body) {
        const text = (part as Buffer).toString('latin1');
        events += text.split('data: ').length - 1;
        tail = text;
      }
      open--;
      if (res.statusCode === 200 && events === expectedEvents + 1 && tail.endsWith('data: [DONE]\n\n')) completed++;
      else failures++;
    } catch {
      failures++;
    }
  };
  await Promise.all(Array.from({ length: n }, (_, i) => one(i)));
  const seconds = (performance.now() - t0) / 1000;
  const peakRssMb = peak.finish();
  await pool.destroy();
  return { streams: n, completed, failures, maxOpen, startRssMb: peak.startMb, peakRssMb, seconds };
}
