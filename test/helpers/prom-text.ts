/** One sample line of the Prometheus text format. */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family's `# TYPE`. */
export type PromTypes = Readonly<Record<string, string>>;

const unescape = (v: string): string => v.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));

/**
 * Parses the Prometheus text exposition format (version 0.0.4): samples and `# TYPE` lines.
 * Throws on a line it cannot read, so a malformed exposition fails the test.
 */
export function parsePromText(text: string): { samples: PromSample[]; types: PromTypes } {
  const samples: PromSample[] = [];
  const types: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type !== null) types[type[1] as string] = type[2] as string;
      else if (!line.startsWith('# HELP ')) throw new Error(`unreadable comment: ${line}`);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) throw new Error(`unreadable sample: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
    let consumed = 0;
    for (let p = pair.exec(body); p !== null; p = pair.exec(body)) {
      if (p.index !== consumed) throw new Error(`unreadable labels: ${line}`);
      labels[p[1] as string] = unescape(p[2] as string);
      consumed = pair.lastIndex;
    }
    if (consumed !== body.length) throw new Error(`unreadable labels: ${line}`);
    const raw = m[3] as string;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    if (Number.isNaN(value) && raw !== 'NaN') throw new Error(`unreadable value: ${line}`);
    samples.push({ name: m[1] as string, labels, value });
  }
  return { samples, types };
}

/** Samples of `name` whose labels include every one of `labels`. */
export function samplesOf(samples: readonly PromSample[], name: string, labels: Readonly<Record<string, string>> = {}): PromSample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The one sample of `name` with exactly `labels` (all of them); throws when there is none or several. */
export function valueOf(samples: readonly PromSample[], name: string, labels: Readonly<Record<string, string>>): number {
  const want = Object.keys(labels).length;
  const found = samplesOf(samples, name, labels).filter((s) => Object.keys(s.labels).length === want);
  if (found.length !== 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return (found[0] as PromSample).value;
}

/** Every distinct series (name and labels) in an exposition: what a scrape would store. */
export function seriesKeys(samples: readonly PromSample[]): Set<string> {
  return new Set(samples.map((s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`));
}

/** A histogram series' buckets as `le → cumulative count`, with its `_sum` and `_count`. */
export function histogramOf(samples: readonly PromSample[], name: string, labels: Readonly<Record<string, string>>): { buckets: Map<string, number>; sum: number; count: number } {
  const buckets = new Map<string, number>();
  const want = Object.keys(labels).length;
  for (const s of samplesOf(samples, `${name}_bucket`, labels)) {
    if (Object.keys(s.labels).length !== want + 1) continue;
    buckets.set(s.labels.le as string, s.value);
  }
  return { buckets, sum: valueOf(samples, `${name}_sum`, labels), count: valueOf(samples, `${name}_count`, labels) };
}

/**
 * `GET /metrics` of a running gateway, parsed once every call is counted: the log stage runs
 * after the client has its answer, so it scrapes until `switchyard_requests_total` (of the
 * series matching `labels`) sums to `calls` and nothing is in flight, or 200 tries have passed.
 */
export async function scrapeSettled(origin: string, key: string, calls: number, labels: Readonly<Record<string, string>> = {}): Promise<PromSample[]> {
  for (let i = 0; ; i++) {
    const res = await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${key}` } });
    const { samples } = parsePromText(await res.text());
    const counted = samplesOf(samples, 'switchyard_requests_total', labels).reduce((n, s) => n + s.value, 0);
    const inflight = samplesOf(samples, 'switchyard_inflight_requests').reduce((n, s) => n + s.value, 0);
    if ((counted === calls && inflight === 0) || i === 200) return samples;
    await new Promise((r) => setTimeout(r, 10));
  }
}
