import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, portFromStdout, spawnNode, stop, waitForPort, type Pinning, type Proc } from './procs.ts';
import { targetLabels, type Target, type TargetId } from './targets.ts';

const root = new URL('../../', import.meta.url);
const path = (relative: string): string => fileURLToPath(new URL(relative, root));

/** Keys the harness gives the gateways; nothing secret, loopback only. */
export const upstreamKey = 'sk-bench-upstream-0000000000000000';
export const masterKey = 'sk-bench-master-0000000000000000';

/**
 * The gateway's entry point as the targets run it: compiled JavaScript by default (`npm run build`
 * into bench/.tmp/dist, as production runs it, with no TypeScript loader thread), or the source
 * under tsx (`bin/switchyard.js`, what `npm start` runs) with `--source`.
 */
export function gatewayEntry(source: boolean): string {
  if (source) return path('bin/switchyard.js');
  const out = path('bench/.tmp/dist');
  const build = spawnSync(process.execPath, [path('scripts/build.js'), '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('npm run build failed');
  return join(out, 'core', 'main.js');
}

/**
 * The Node flags production runs the compiled gateway with: those of `npm run start:dist` in
 * package.json (one source of truth), so the benchmark measures what `start:dist` runs.
 */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path('package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const words = (pkg.scripts?.['start:dist'] ?? '').split(/\s+/);
  return words.filter((w) => w.startsWith('--'));
}

export interface Started {
  readonly mock: Proc;
  readonly mockOrigin: string;
  readonly targets: Target[];
  readonly procs: Proc[];
  stopAll(): Promise<void>;
}

export interface StartOptions {
  readonly pinning: Pinning;
  /** The gateway's entry (see gatewayEntry). */
  readonly entry: string;
  readonly only: readonly TargetId[];
  /** Extra node flags for a Switchyard process (e.g. --cpu-prof). */
  readonly switchyardFlags?: (id: TargetId) => readonly string[];
  /** Where target stdout goes (the request logs); /dev/null unless kept. */
  readonly logDir?: string;
}

/**
 * The cache-hit scenario's Redis target: bench/configs/cache-redis.ts (Switchyard full with
 * `cache/redis`), keys under `keyPrefix`. Started on its own, after the other scenarios.
 */
export async function startRedisTarget(options: { pinning: Pinning; entry: string; nodeFlags: readonly string[]; mockOrigin: string; redisUrl: string; keyPrefix: string; logDir?: string }): Promise<{ target: Target; proc: Proc }> {
  const port = await freePort();
  const proc = spawnNode('switchyard-redis', [...options.nodeFlags, options.entry, '--config', path('bench/configs/cache-redis.ts'), '--port', String(port)], {
    cpu: options.pinning.targetCpu,
    stdout: options.logDir === undefined ? '/dev/null' : join(options.logDir, 'switchyard-redis.log'),
    cwd: path('.'),
    env: {
      ...baseEnv(),
      OPENAI_API_KEY: upstreamKey,
      OPENAI_BASE_URL: `${options.mockOrigin}/v1`,
      SWITCHYARD_MASTER_KEY: masterKey,
      REDIS_URL: options.redisUrl,
      BENCH_REDIS_PREFIX: options.keyPrefix,
    },
  });
  try {
    await waitForPort(proc, port);
  } catch (err) {
    await stop(proc);
    throw err;
  }
  const target: Target = { id: 'switchyard-redis', label: targetLabels['switchyard-redis'], origin: `http://127.0.0.1:${port}`, headers: { authorization: `Bearer ${masterKey}` }, model: 'bench', pid: proc.pid };
  return { target, proc };
}

/** A minimal environment: no provider keys from the caller's shell leak into the gateways. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'TZ']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

export async function startAll(options: StartOptions): Promise<Started> {
  const { pinning } = options;
  const procs: Proc[] = [];
  const out = (name: string): string => (options.logDir === undefined ? '/dev/null' : join(options.logDir, `${name}.log`));
  const stopAll = async (): Promise<void> => {
    await Promise.all(procs.map((p) => stop(p)));
  };
  try {
    const mock = spawnNode('mock', [path('bench/mock/upstream.mjs'), '--port', '0'], { cpu: pinning.loadCpu, stdout: 'pipe', env: baseEnv() });
    procs.push(mock);
    const mockPort = await portFromStdout(mock);
    const mockOrigin = `http://127.0.0.1:${mockPort}`;
    const targets: Target[] = [];
    const want = (id: TargetId): boolean => options.only.includes(id);

    if (want('direct')) {
      targets.push({ id: 'direct', label: targetLabels.direct, origin: mockOrigin, headers: { authorization: `Bearer ${upstreamKey}` }, model: 'gpt-4o-mini', pid: mock.pid });
    }
    const pending: Promise<void>[] = [];
    if (want('passthrough')) {
      const proc = spawnNode('passthrough', [path('bench/targets/passthrough.mjs'), '--port', '0', '--upstream', mockOrigin], {
        cpu: pinning.targetCpu,
        stdout: 'pipe',
        env: baseEnv(),
      });
      procs.push(proc);
      pending.push(
        portFromStdout(proc).then((port) => {
          targets.push({ id: 'passthrough', label: targetLabels.passthrough, origin: `http://127.0.0.1:${port}`, headers: { authorization: `Bearer ${upstreamKey}` }, model: 'gpt-4o-mini', pid: proc.pid });
        }),
      );
    }
    const gatewayEnv = { ...baseEnv(), OPENAI_API_KEY: upstreamKey, OPENAI_BASE_URL: `${mockOrigin}/v1` };
    const flags = (id: TargetId): readonly string[] => options.switchyardFlags?.(id) ?? [];
    if (want('switchyard')) {
      const port = await freePort();
      // Started from an empty folder: no gateway.config.ts there, so the CLI runs the default preset.
      const proc = spawnNode('switchyard', [...flags('switchyard'), options.entry, '--port', String(port)], {
        cpu: pinning.targetCpu,
        stdout: out('switchyard'),
        cwd: mkdtempSync(join(tmpdir(), 'switchyard-bench-')),
        env: gatewayEnv,
      });
      procs.push(proc);
      pending.push(
        waitForPort(proc, port).then(() => {
          targets.push({ id: 'switchyard', label: targetLabels.switchyard, origin: `http://127.0.0.1:${port}`, headers: {}, model: 'gpt-4o-mini', pid: proc.pid });
          // The same process on Anthropic's Messages API: a stream translated from the OpenAI-wire mock.
          if (want('switchyard-messages')) {
            targets.push({ id: 'switchyard-messages', label: targetLabels['switchyard-messages'], origin: `http://127.0.0.1:${port}`, headers: {}, model: 'gpt-4o-mini', pid: proc.pid, surface: 'messages' });
          }
        }),
      );
    }
    if (want('switchyard-full')) {
      const port = await freePort();
      const proc = spawnNode('switchyard-full', [...flags('switchyard-full'), options.entry, '--config', path('bench/configs/full.ts'), '--port', String(port)], {
        cpu: pinning.targetCpu,
        stdout: out('switchyard-full'),
        cwd: path('.'),
        env: { ...gatewayEnv, SWITCHYARD_MASTER_KEY: masterKey },
      });
      procs.push(proc);
      pending.push(
        waitForPort(proc, port).then(() => {
          targets.push({ id: 'switchyard-full', label: targetLabels['switchyard-full'], origin: `http://127.0.0.1:${port}`, headers: { authorization: `Bearer ${masterKey}` }, model: 'bench', pid: proc.pid });
        }),
      );
    }
    // The keys targets: the default preset with a master key (so the keys plugin), called with a
    // virtual key that has rpm, tpm and budget limits high enough never to refuse: every request
    // is admitted against three limits, reconciled and written as a spend row. `switchyard-keys`
    // and `-shared` leave the metrics plugin out (bench/configs/no-metrics.ts), so their line is
    // the keys plugin's own cost (metrics have theirs); `switchyard-team` is the whole preset.
    const keysTarget = async (id: 'switchyard-keys' | 'switchyard-team' | 'switchyard-keys-shared', extra: Record<string, string>): Promise<void> => {
      const port = await freePort();
      const config = id === 'switchyard-team' ? [] : ['--config', path('bench/configs/no-metrics.ts')];
      const proc = spawnNode(id, [...flags(id), options.entry, ...config, '--port', String(port)], {
        cpu: pinning.targetCpu,
        stdout: out(id),
        cwd: config.length === 0 ? mkdtempSync(join(tmpdir(), 'switchyard-bench-')) : path('.'),
        env: { ...gatewayEnv, SWITCHYARD_MASTER_KEY: masterKey, SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'switchyard-bench-data-')), ...extra },
      });
      procs.push(proc);
      await waitForPort(proc, port);
      const origin = `http://127.0.0.1:${port}`;
      const res = await fetch(`${origin}/key/generate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ key_alias: `bench-${id}-${Date.now()}`, rpm_limit: 100_000_000, tpm_limit: 1_000_000_000_000, max_budget: 1_000_000, budget_duration: '1mo' }),
      });
      if (!res.ok) throw new Error(`${id}: /key/generate answered ${res.status}: ${await res.text()}`);
      const { key } = (await res.json()) as { key: string };
      targets.push({ id, label: targetLabels[id], origin, headers: { authorization: `Bearer ${key}` }, model: 'gpt-4o-mini', pid: proc.pid });
    };
    if (want('switchyard-keys')) pending.push(keysTarget('switchyard-keys', {}));
    if (want('switchyard-team')) pending.push(keysTarget('switchyard-team', {}));
    // Metrics on and off: the default preset with a master key (keys plugin, metrics, admin page),
    // called with the master key; the second one from bench/configs/no-metrics.ts, the same preset
    // with `metrics: false`. The pair measures what recording the metrics costs.
    const masterTarget = async (id: 'switchyard-metrics' | 'switchyard-metrics-off', config: string[]): Promise<void> => {
      const port = await freePort();
      const proc = spawnNode(id, [...flags(id), options.entry, ...config, '--port', String(port)], {
        cpu: pinning.targetCpu,
        stdout: out(id),
        cwd: config.length === 0 ? mkdtempSync(join(tmpdir(), 'switchyard-bench-')) : path('.'),
        env: { ...gatewayEnv, SWITCHYARD_MASTER_KEY: masterKey, SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'switchyard-bench-data-')) },
      });
      procs.push(proc);
      await waitForPort(proc, port);
      targets.push({ id, label: targetLabels[id], origin: `http://127.0.0.1:${port}`, headers: { authorization: `Bearer ${masterKey}` }, model: 'gpt-4o-mini', pid: proc.pid });
    };
    if (want('switchyard-metrics')) pending.push(masterTarget('switchyard-metrics', []));
    if (want('switchyard-metrics-off')) pending.push(masterTarget('switchyard-metrics-off', ['--config', path('bench/configs/no-metrics.ts')]));
    if (want('switchyard-keys-shared') && process.env.REDIS_URL && process.env.DATABASE_URL) {
      pending.push(keysTarget('switchyard-keys-shared', { REDIS_URL: process.env.REDIS_URL, DATABASE_URL: process.env.DATABASE_URL }));
    }
    if (want('portkey')) {
      const port = await freePort();
      const proc = spawnNode('portkey', [path('node_modules/@portkey-ai/gateway/build/start-server.js'), '--headless', `--port=${port}`], {
        cpu: pinning.targetCpu,
        stdout: out('portkey'),
        cwd: path('.'),
        env: baseEnv(),
      });
      procs.push(proc);
      pending.push(
        waitForPort(proc, port).then(() => {
          targets.push({
            id: 'portkey',
            label: targetLabels.portkey,
            origin: `http://127.0.0.1:${port}`,
            // Portkey's documented way to reach an OpenAI-compatible server: provider openai + custom host.
            headers: { authorization: `Bearer ${upstreamKey}`, 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${mockOrigin}/v1` },
            model: 'gpt-4o-mini',
            pid: proc.pid,
          });
        }),
      );
    }
    await Promise.all(pending);
    const order: TargetId[] = ['direct', 'passthrough', 'switchyard', 'switchyard-messages', 'switchyard-full', 'switchyard-keys', 'switchyard-team', 'switchyard-keys-shared', 'switchyard-metrics', 'switchyard-metrics-off', 'portkey'];
    targets.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    return { mock, mockOrigin, targets, procs, stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
