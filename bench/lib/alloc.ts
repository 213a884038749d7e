import { readFileSync } from 'node:fs';
import { area } from './profile.ts';

/** The parts of a V8 sampling heap profile the summary reads. */
interface HeapNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly HeapNode[];
}

export interface AllocSummary {
  /** Bytes allocated per completed request (sampled, collected objects included). */
  readonly bytesPerRequest: number;
  /** Per area (our file, a package, Node's internals), bytes per request, largest first. */
  readonly byArea: readonly (readonly [string, number])[];
}

/** Bytes per request by area, from a profile that covered `requests` requests. */
export function summariseAlloc(file: string, requests: number, top = 20): AllocSummary {
  const head = (JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode }).head;
  const byArea = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode): void => {
    const { url, functionName } = node.callFrame;
    const where = area(url, functionName);
    byArea.set(where, (byArea.get(where) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children) walk(child);
  };
  walk(head);
  const rows = [...byArea].map(([name, bytes]) => [name, bytes / requests] as const).sort((a, b) => b[1] - a[1]);
  return { bytesPerRequest: total / requests, byArea: rows.slice(0, top) };
}

/** The targets side by side: bytes per request, then each one's largest areas. */
export function renderAlloc(rows: readonly { readonly label: string; readonly requests: number; readonly summary: AllocSummary }[]): string {
  const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
  const lines = ['| target | requests sampled | KB allocated per request |', '|---|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.label} | ${r.requests} | ${kb(r.summary.bytesPerRequest)} |`);
  for (const r of rows) {
    lines.push('', `### ${r.label}`, '', '| area (package or file) | KB per request |', '|---|---:|');
    for (const [name, bytes] of r.summary.byArea) lines.push(`| ${name} | ${kb(bytes)} |`);
  }
  return lines.join('\n');
}
