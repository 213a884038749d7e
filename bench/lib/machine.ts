import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

export interface MachineInfo {
  readonly date: string;
  readonly cpu: string;
  readonly cpus: number;
  readonly memoryGb: number;
  readonly kernel: string;
  readonly virtualised: string;
  readonly node: string;
  readonly commit: string;
  readonly versions: Readonly<Record<string, string>>;
}

function packageVersion(root: URL, name: string): string {
  try {
    return (JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, root), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function git(root: URL, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export function machineInfo(root: URL): MachineInfo {
  let virtualised = 'unknown';
  try {
    virtualised = /hypervisor/.test(readFileSync('/proc/cpuinfo', 'utf8')) ? 'virtual machine (hypervisor flag set)' : 'bare metal';
  } catch {
    // not Linux
  }
  const dirty = git(root, ['status', '--porcelain', '--', 'core', 'plugins']) === '' ? '' : ' (+ uncommitted changes in core/ or plugins/)';
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: `Linux ${release()}`,
    virtualised,
    node: process.version,
    commit: git(root, ['rev-parse', '--short', 'HEAD']) + dirty,
    versions: Object.fromEntries(
      ['@portkey-ai/gateway', 'autocannon', 'undici', 'koa', '@koa/router', 'tapable', 'pino', 'ajv', 'tsx'].map((n) => [n, packageVersion(root, n)]),
    ),
  };
}
