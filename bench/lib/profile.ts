import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The repository root as a file URL prefix, so our own files show as `core/…`, `plugins/…`. */
const rootPrefix = pathToFileURL(new URL('../../', import.meta.url).pathname).href;

/** The parts of a V8 .cpuprofile the summary reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileRow {
  readonly name: string;
  readonly selfPct: number;
  readonly totalPct: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly seconds: number;
  readonly idlePct: number;
  readonly byArea: readonly ProfileRow[];
  readonly bySelf: readonly ProfileRow[];
  readonly byTotal: readonly ProfileRow[];
}

/** Where a frame's code lives: our core/plugins file, a package, Node's internals, or V8 pseudo-frames. */
export function area(url: string, fn: string): string {
  if (url === '') return fn.startsWith('(') ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1] as string;
  if (url.startsWith(rootPrefix)) return url.slice(rootPrefix.length);
  if (url.startsWith('node:')) return url.replace(/^node:internal\/(deps\/)?/, 'node:').split('/').slice(0, 2).join('/');
  return url;
}

function frameName(url: string, fn: string, line: number): string {
  const where = area(url, fn);
  if (url === '') return fn || '(anonymous)';
  return `${fn || '(anonymous)'} — ${where}:${line + 1}`;
}

/** Self and inclusive time per function and per area (package or file), as shares of the busy time. */
export function summarise(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areaSelf = new Map<string, number>();
  const areaTotal = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (node === undefined) return;
    const { functionName: fn, url, lineNumber } = node.callFrame;
    if (fn === '(idle)') {
      idle += dt;
      return;
    }
    busy += dt;
    const key = frameName(url, fn, lineNumber);
    self.set(key, (self.get(key) ?? 0) + dt);
    const a = area(url, fn);
    areaSelf.set(a, (areaSelf.get(a) ?? 0) + dt);
    const seen = new Set<string>();
    const seenArea = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)?.callFrame;
      if (f === undefined) break;
      const k = frameName(f.url, f.functionName, f.lineNumber);
      if (!seen.has(k)) {
        seen.add(k);
        total.set(k, (total.get(k) ?? 0) + dt);
      }
      const ar = area(f.url, f.functionName);
      if (!seenArea.has(ar)) {
        seenArea.add(ar);
        areaTotal.set(ar, (areaTotal.get(ar) ?? 0) + dt);
      }
    }
  });
  const pct = (v: number): number => (100 * v) / (busy || 1);
  const rows = (m: Map<string, number>, other: Map<string, number>, by: 'self' | 'total'): ProfileRow[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .filter(([k]) => !k.startsWith('(root)') && !k.startsWith('(program)') || by === 'self')
      .slice(0, top)
      .map(([name, v]) => (by === 'self' ? { name, selfPct: pct(v), totalPct: pct(other.get(name) ?? 0) } : { name, selfPct: pct(other.get(name) ?? 0), totalPct: pct(v) }));
  return {
    file,
    seconds: (profile.endTime - profile.startTime) / 1e6,
    idlePct: (100 * idle) / (idle + busy || 1),
    byArea: rows(areaSelf, areaTotal, 'self'),
    bySelf: rows(self, total, 'self'),
    byTotal: rows(total, self, 'total').filter((r) => r.totalPct < 99.5),
  };
}

/** The main thread's profile (thread id 0 in `CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile`), not the loader's. */
export function newestProfile(dir: string): string | undefined {
  const files = readdirSync(dir).filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)).sort();
  const last = files.at(-1);
  return last === undefined ? undefined : join(dir, last);
}

export function renderProfile(title: string, s: ProfileSummary): string {
  const out: string[] = [];
  const t = (rows: readonly ProfileRow[]): void => {
    out.push('| function or area | self % | total % |', '|---|---:|---:|');
    for (const r of rows) out.push(`| ${r.name.replace(/\|/g, '\\|')} | ${r.selfPct.toFixed(1)} | ${r.totalPct.toFixed(1)} |`);
    out.push('');
  };
  out.push(`### ${title}`, '', `${s.seconds.toFixed(1)} s profiled, ${s.idlePct.toFixed(0)} % idle; shares below are of the busy time.`, '');
  out.push('By area (package or file), self time:', '');
  t(s.byArea.slice(0, 15));
  out.push('Top functions by self time:', '');
  t(s.bySelf.slice(0, 20));
  out.push('Top functions by inclusive time:', '');
  t(s.byTotal.slice(0, 20));
  return out.join('\n');
}
