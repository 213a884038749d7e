import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the gateway's child processes run there (its gateway.config.ts). */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A port that was free a moment ago (the CLI prints no port when given 0). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/**
 * The keys store of gateways started with a master key (the default preset loads the keys plugin
 * then): one temporary folder per test file, never the repository's `./.switchyard/`.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'sy-cli-data-'));

/** Only what the CLI should read: no stray provider keys from the machine. */
export function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', SWITCHYARD_DATA_DIR: dataDir, ...extra };
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a Node script to its end in the repository (killed after `timeoutMs`). */
export function runNode(file: string, args: readonly string[], env: Record<string, string> = {}, timeoutMs = 20_000): Promise<CliRun> {
  return new Promise((done) => {
    execFile(process.execPath, [file, ...args], { cwd: root, timeout: timeoutMs, killSignal: 'SIGKILL', env: cliEnv(env) }, (err, stdout, stderr) =>
      done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr }),
    );
  });
}

export interface ServingGateway {
  readonly child: ChildProcess;
  readonly port: number;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** SIGKILL unless it already exited. */
  kill(): void;
}

/** Starts a gateway entry point (bin or compiled) on a free port and waits for /health. */
export async function startGatewayProcess(file: string, args: readonly string[], env: Record<string, string>, withinMs = 15_000): Promise<ServingGateway> {
  const port = await freePort();
  const child = spawn(process.execPath, [file, ...args], {
    cwd: root,
    env: cliEnv({ ...env, PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const gateway: ServingGateway = {
    child,
    port,
    output: () => output,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  const deadline = Date.now() + withinMs;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) return gateway;
    if (child.exitCode !== null || Date.now() > deadline) {
      gateway.kill();
      throw new Error(`the gateway did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
