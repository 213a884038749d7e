import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How the processes share the machine: targets on one core, mock + load generator on the other,
 * when `taskset` exists and there are two cores or more. Otherwise nothing is pinned.
 */
export interface Pinning {
  readonly enabled: boolean;
  readonly targetCpu: string | undefined;
  readonly loadCpu: string | undefined;
  readonly why: string;
}

export function detectPinning(): Pinning {
  const cpus = availableParallelism();
  let taskset = false;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    taskset = true;
  } catch {
    taskset = false;
  }
  if (!taskset) return { enabled: false, targetCpu: undefined, loadCpu: undefined, why: 'taskset not found: nothing pinned' };
  if (cpus < 2) return { enabled: false, targetCpu: undefined, loadCpu: undefined, why: `${cpus} CPU: nothing pinned` };
  return {
    enabled: true,
    targetCpu: '0',
    loadCpu: '1',
    why: `taskset: every target on CPU 0; mock upstream and load generator (this process) on CPU 1 (${cpus} CPUs)`,
  };
}

/** Pins this process (the load generator), all its threads, to the load CPU. */
export function pinSelf(pinning: Pinning): void {
  if (pinning.enabled) execFileSync('taskset', ['-a', '-cp', pinning.loadCpu as string, String(process.pid)], { stdio: 'ignore' });
}

export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Lines of stderr kept for error reports. */
  readonly stderr: string[];
}

export interface SpawnOptions {
  readonly cpu: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Where stdout goes: 'pipe' to read a `{"port":N}` line, or a file path (logs). */
  readonly stdout: 'pipe' | string;
}

/** Spawns `node …args`, pinned when asked (taskset execs node, so the pid is node's). */
export function spawnNode(name: string, args: readonly string[], options: SpawnOptions): Proc {
  const command = options.cpu === undefined ? process.execPath : 'taskset';
  const argv = options.cpu === undefined ? [...args] : ['-c', options.cpu, process.execPath, ...args];
  const out = options.stdout === 'pipe' ? 'pipe' : openSync(options.stdout, 'w');
  const child = spawn(command, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', out, 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    stderr.push(d);
    if (stderr.length > 200) stderr.shift();
  });
  if (child.pid === undefined) throw new Error(`${name}: could not spawn`);
  return { name, child, pid: child.pid, stderr };
}

/** Reads the `{"port":N}` line a plain-JS server prints once listening. */
export function portFromStdout(proc: Proc, timeoutMs = 15_000): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${proc.name}: no port after ${timeoutMs} ms\n${proc.stderr.join('')}`)), timeoutMs);
    proc.child.stdout?.setEncoding('utf8');
    proc.child.stdout?.on('data', (d: string) => {
      text += d;
      const line = text.split('\n')[0];
      if (text.includes('\n') && line !== undefined) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    proc.child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${proc.name}: exited with ${code}\n${proc.stderr.join('')}`));
    });
  });
}

/** A port that was free a moment ago (for servers that take `--port N`). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Waits until something accepts TCP connections on the port. */
export async function waitForPort(proc: Proc, port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name}: exited with ${proc.child.exitCode}\n${proc.stderr.join('')}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${proc.name}: port ${port} not open after ${timeoutMs} ms\n${proc.stderr.join('')}`);
}

/** SIGTERM, then SIGKILL after a grace period. */
export async function stop(proc: Proc, graceMs = 5_000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.child.once('exit', () => resolve()));
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system, all threads) of a process so far, in µs, from /proc/<pid>/stat. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1e6) / ticksPerSecond;
}

export interface Memory {
  /** Resident set size now, in MB. */
  readonly rssMb: number;
  /** Peak resident set size (since start or the last reset), in MB. */
  readonly peakMb: number;
}

export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Resets VmHWM to the current RSS (Linux `clear_refs` 5). False where that is not allowed. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Tracks a process's peak RSS over a scenario: VmHWM after a reset where the kernel allows it,
 * else the highest VmRSS sampled every 50 ms.
 */
export class PeakTracker {
  readonly #pid: number;
  readonly #reset: boolean;
  #sampled = 0;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly startMb: number;

  constructor(pid: number) {
    this.#pid = pid;
    this.#reset = resetPeak(pid);
    this.startMb = memory(pid).rssMb;
    this.#sampled = this.startMb;
    this.#timer = this.#reset
      ? undefined
      : setInterval(() => {
          this.#sampled = Math.max(this.#sampled, memory(this.#pid).rssMb);
        }, 50);
  }

  /** The peak since construction, in MB. */
  finish(): number {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    const now = memory(this.#pid);
    return this.#reset ? now.peakMb : Math.max(this.#sampled, now.rssMb);
  }
}
