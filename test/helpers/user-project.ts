import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cliEnv, freePort, root, type ServingGateway } from './cli.ts';

/**
 * A user's own project outside the repository, as the README tells users to make one: a folder
 * holding `gateway.config.ts` (and in-house plugins), with `switchyard` either linked to this
 * checkout (`npm link`, `npm install ../switchyard`) or installed from the tarball `npm pack` makes.
 */

const run = promisify(execFile);

/** What the project's own package.json says about module types. */
export type ProjectKind = 'no package.json' | 'commonjs package.json' | 'module package.json';
export const projectKinds: readonly ProjectKind[] = ['no package.json', 'commonjs package.json', 'module package.json'];

/** A temp folder outside the repository with `node_modules/switchyard` a link to this checkout. */
export function linkedProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-user-linked-'));
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', 'switchyard'), 'dir');
  symlinkSync('../switchyard/bin/switchyard.js', join(dir, 'node_modules', '.bin', 'switchyard'));
  return dir;
}

/**
 * A temp folder outside the repository with the package installed from a tarball, as it would
 * be published: `npm pack` (its `prepack` builds dist/) then `npm install <tarball>`. The build
 * runs into the unpacked copy rather than this checkout's dist/, so the test leaves the checkout
 * as it found it; packages come from npm's cache where `npm ci` left them.
 */
export async function installedProject(): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'switchyard-pack-'));
  const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 16 << 20 });
  const { stdout } = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], root);
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  await run('tar', ['-xzf', join(work, filename), '-C', work]);
  const unpacked = join(work, 'package');
  // What `prepack` does when packing for real, with the checkout's TypeScript.
  await run(process.execPath, [join(root, 'scripts', 'build.js'), '--out', join(unpacked, 'dist')], { cwd: root });
  const { stdout: repacked } = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], unpacked);
  const [{ filename: tarball }] = JSON.parse(repacked) as [{ filename: string }];
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-user-installed-'));
  // No install scripts: better-sqlite3 would compile from source (minutes) for a store these
  // configs never open; esbuild finds its binary through its platform package without its script.
  await npm(['install', '--prefer-offline', '--no-package-lock', '--ignore-scripts', join(work, tarball)], dir);
  rmSync(work, { recursive: true, force: true });
  return dir;
}

/** Writes (or removes) the project's package.json for one kind, keeping what npm recorded. */
export function setProjectKind(dir: string, kind: ProjectKind): void {
  const file = join(dir, 'package.json');
  rmSync(file, { force: true });
  if (kind === 'no package.json') return;
  const pkg = { name: 'acme-gateway', private: true, ...(kind === 'module package.json' ? { type: 'module' } : {}) };
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

/** Starts a command in the project folder, as a user would, and waits for /health. */
export async function startInProject(dir: string, command: readonly string[], env: Record<string, string>, withinMs = 30_000): Promise<ServingGateway> {
  const port = await freePort();
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, {
    cwd: dir,
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
      throw new Error(`the gateway did not start in ${dir}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops a gateway as a process manager would, and waits for it to exit. */
export async function stopGateway(gateway: ServingGateway): Promise<void> {
  const { child } = gateway;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => gateway.kill(), 10_000);
  await exited;
  clearTimeout(timer);
}
