import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cliEnv, freePort, root, runNode } from '../helpers/cli.ts';

/*
 * The production commands the README gives, run as a process manager runs them: `npm start` and
 * `npm run start:dist`, signalled through npm. npm forwards SIGTERM/SIGINT to its child only;
 * without `exec` in the script that child is `sh`, the gateway is orphaned and keeps its port.
 */
const out = mkdtempSync(join(root, '.dist-test-signals-'));

beforeAll(async () => {
  // start:dist runs dist/core/main.js from its folder: a copy of package.json beside a fresh build.
  const build = await runNode(join(root, 'scripts', 'build.js'), ['--out', join(out, 'dist')], {}, 60_000);
  expect(build, build.stderr + build.stdout).toMatchObject({ code: 0 });
  copyFileSync(join(root, 'package.json'), join(out, 'package.json'));
}, 90_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const childrenOf = (pid: number): Promise<number[]> =>
  new Promise((done) => execFile('ps', ['-o', 'pid=', '--ppid', String(pid)], (_err, stdout) => done(stdout.split('\n').map(Number).filter((n) => n > 0))));

/** npm's children and theirs (`sh -c node …` when the script does not exec). */
async function descendantsOf(pid: number): Promise<number[]> {
  const direct = await childrenOf(pid);
  return [...direct, ...(await Promise.all(direct.map(descendantsOf))).flat()];
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const portFree = (port: number): Promise<boolean> =>
  new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), done(false)));
    socket.once('error', () => done(true));
  });

async function startNpm(args: readonly string[], cwd: string): Promise<{ npm: ChildProcess; port: number; exited: Promise<number | null> }> {
  const port = await freePort();
  const npm = spawn('npm', [...args], {
    cwd,
    env: cliEnv({ PORT: String(port), HOST: '127.0.0.1', npm_config_update_notifier: 'false', OPENAI_API_KEY: 'sk-test' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  npm.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((done) => npm.once('exit', (code) => done(code)));
  const deadline = Date.now() + 20_000;
  while (!(await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false))) {
    if (npm.exitCode !== null || Date.now() > deadline) throw new Error(`did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { npm, port, exited };
}

describe.each([
  ['npm start', ['start'], root, 'SIGTERM'],
  ['npm start', ['start'], root, 'SIGINT'],
  ['npm run start:dist', ['run', 'start:dist'], out, 'SIGTERM'],
] as const)('%s, %s sent to npm', (_name, args, cwd, signal) => {
  test('reaches the gateway: it shuts down, frees its port and leaves no process behind', { timeout: 40_000 }, async () => {
    const { npm, port, exited } = await startNpm(args, cwd);
    const gateways = await descendantsOf(npm.pid as number);
    expect(gateways.length).toBeGreaterThan(0);
    try {
      npm.kill(signal);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      const deadline = Date.now() + 5_000;
      while (gateways.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(gateways.filter(alive)).toEqual([]);
      expect(await portFree(port)).toBe(true);
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
      for (const pid of gateways.filter(alive)) process.kill(pid, 'SIGKILL');
    }
  });
});
