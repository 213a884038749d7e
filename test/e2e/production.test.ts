import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { freePort, root } from '../helpers/cli.ts';

// The README's "Production" steps on a fresh copy of the repository, outside it (so nothing
// resolves from the development node_modules): `npm ci --omit=dev`, `npm run build`, then the
// run command. The install reads npm's local cache first, so it takes seconds, not a download.
const dir = mkdtempSync(join(tmpdir(), 'switchyard-production-'));
const shipped = ['package.json', 'package-lock.json', 'bin', 'core', 'plugins', 'scripts', 'tsconfig.json', 'tsconfig.build.json'];
let child: ChildProcess | undefined;

afterAll(() => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const npm = (args: readonly string[]): { status: number | null; output: string } => {
  const run = spawnSync('npm', args, { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
};

test('npm ci --omit=dev, npm run build, then node dist/core/main.js serves /health', async () => {
  for (const entry of shipped) cpSync(join(root, entry), join(dir, entry), { recursive: true });

  // Install scripts off: better-sqlite3 would compile from source here (minutes, offline); its
  // addon built by the repository's own install is copied instead, as the install script would
  // have made it. esbuild finds its binary without its script.
  const install = npm(['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts']);
  expect(install.status, install.output).toBe(0);
  cpSync(join(root, 'node_modules', 'better-sqlite3', 'build'), join(dir, 'node_modules', 'better-sqlite3', 'build'), { recursive: true });
  expect(existsSync(join(dir, 'node_modules', 'vitest'))).toBe(false); // really a production install
  const build = npm(['run', 'build']);
  expect(build.status, build.output).toBe(0);

  const port = await freePort();
  // The README's run command (what `npm run start:dist` runs), with no gateway.config.ts: the default preset.
  child = spawn(process.execPath, ['--max-semi-space-size=8', 'dist/core/main.js'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), HOST: '127.0.0.1', SWITCHYARD_MASTER_KEY: 'prod-key', SWITCHYARD_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  let health: Response | undefined;
  for (let i = 0; i < 150 && health === undefined && child.exitCode === null; i++) {
    health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
    if (health === undefined) await new Promise((r) => setTimeout(r, 100));
  }
  expect(health?.status, output).toBe(200);
  expect(await health?.json()).toEqual({ status: 'ok' });
  // With a master key the keys plugin runs: its embedded store is created on first start.
  const generated = await fetch(`http://127.0.0.1:${port}/key/generate`, { method: 'POST', headers: { authorization: 'Bearer prod-key', 'content-type': 'application/json' }, body: '{}' });
  expect(generated.status, output).toBe(200);
  expect(existsSync(join(dir, 'data', 'keys.sqlite'))).toBe(true);
}, 90_000);
